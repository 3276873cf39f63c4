package io.fmkt.core.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a wire record component that may be null (and may be absent from the JSON). Every other
 * component is required: {@link WireCodec} refuses a message without it as
 * {@link WireException.Reason#MISSING_FIELD} instead of letting Jackson fill in null or 0, which
 * would turn a truncated message into a plausible wrong one (round 0, client 0).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Nullable {
}
