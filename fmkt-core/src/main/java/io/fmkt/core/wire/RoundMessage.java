package io.fmkt.core.wire;

/** A message about one round of a run; its round travels in the {@link Topics#HEADER_ROUND} header too. */
public sealed interface RoundMessage extends WireMessage
        permits ModelPublished, FusionRequested, FusionCompleted, PairSkipped, RoundEvaluated {

    int round();
}
