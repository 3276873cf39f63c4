package io.fmkt.core.codec;

/** Bytes that are not a valid object of the expected kind; the message names what is wrong. */
public class CodecException extends IllegalArgumentException {
    public CodecException(String message) {
        super(message);
    }
}
