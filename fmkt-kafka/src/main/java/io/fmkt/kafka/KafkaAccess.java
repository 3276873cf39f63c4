package io.fmkt.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How a client reaches the broker: its bootstrap servers and, on a secured broker, the SASL/SCRAM
 * principal it authenticates as. Every Kafka client fmkt makes outside the services' channels (the
 * CLI, the log reader, the tests' probes) takes its settings from here, so none forgets security.
 * The password never appears in {@link #toString()}.
 *
 * @param username null: PLAINTEXT (the unsecured local stack)
 */
public record KafkaAccess(String bootstrap, String username, String password) {
    public static final String MECHANISM = "SCRAM-SHA-256";
    public static final String PROTOCOL = "SASL_PLAINTEXT";

    public KafkaAccess {
        Objects.requireNonNull(bootstrap, "bootstrap");
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("Kafka username and password go together");
        }
        if (username != null && (username.isEmpty() || username.contains("\"") || password.contains("\""))) {
            throw new IllegalArgumentException("Kafka username must be non-empty, and neither may contain '\"'");
        }
    }

    /** Unsecured access (PLAINTEXT). */
    public static KafkaAccess plaintext(String bootstrap) {
        return new KafkaAccess(bootstrap, null, null);
    }

    /**
     * From {@code FMKT_KAFKA_USERNAME} and {@code FMKT_KAFKA_PASSWORD} when both are set (the CLI
     * against a secured broker), else PLAINTEXT.
     */
    public static KafkaAccess fromEnvironment(String bootstrap, Map<String, String> env) {
        String user = env.get("FMKT_KAFKA_USERNAME");
        String password = env.get("FMKT_KAFKA_PASSWORD");
        return user == null || password == null ? plaintext(bootstrap) : new KafkaAccess(bootstrap, user, password);
    }

    public boolean secured() {
        return username != null;
    }

    /** Client properties: bootstrap, and the SASL settings when secured. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        if (secured()) {
            c.put("security.protocol", PROTOCOL);
            c.put("sasl.mechanism", MECHANISM);
            c.put("sasl.jaas.config", jaas(username, password));
        }
        return c;
    }

    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(clientConfig());
        return p;
    }

    /** The SCRAM login line of a Kafka client or broker listener. */
    public static String jaas(String username, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + username
                + "\" password=\"" + password + "\";";
    }

    @Override
    public String toString() {
        return bootstrap + (secured() ? " as " + username + " (" + PROTOCOL + "/" + MECHANISM + ")" : " (PLAINTEXT)");
    }
}
