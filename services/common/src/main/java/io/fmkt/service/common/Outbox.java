package io.fmkt.service.common;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireMessage;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Sends {@link WireMessage}s through a byte[] emitter with the key, headers and topic that
 * {@link Topics} prescribes. The topic travels in the record metadata, so a message cannot land on
 * the wrong topic even if a channel's {@code topic} setting is wrong.
 */
@ApplicationScoped
public class Outbox {
    @Inject
    WireCodec codec;

    /** Completes when the broker acknowledged the record, exceptionally when it refused it. */
    public CompletionStage<Void> send(Emitter<byte[]> emitter, WireMessage message) {
        byte[] payload = codec.encode(message);
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, String> h : Topics.headers(message).entrySet()) {
            headers.add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
        }
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.topicOf(message))
                .withKey(Topics.keyOf(message))
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        emitter.send(Message.of(payload, Metadata.of(meta),
                () -> {
                    done.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    done.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return done;
    }

    /** Sends each message and waits until the broker has them all: state moves on only after. */
    public void sendAll(java.util.function.Function<WireMessage, Emitter<byte[]>> emitterOf,
            java.util.List<? extends WireMessage> messages) {
        java.util.List<CompletableFuture<Void>> acks = new java.util.ArrayList<>();
        for (WireMessage m : messages) {
            acks.add(send(emitterOf.apply(m), m).toCompletableFuture());
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).join();
    }
}
