package io.fmkt.stack;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The SCRAM principals of a secured local broker and their passwords, from a properties file
 * ({@code user=password}, owner-readable only) that whoever starts the stack keeps: {@value #ADMIN}
 * (the broker itself and ACL administration, super user), {@value #SERVICE} (the three services) and
 * {@value #OPERATOR} (the CLI). What each may do is {@link KafkaAcls}'.
 */
public record KafkaUsers(Map<String, String> passwords) {
    public static final String ADMIN = "admin";
    public static final String SERVICE = "fmkt-service";
    public static final String OPERATOR = "fmkt-operator";
    static final List<String> REQUIRED = List.of(ADMIN, SERVICE, OPERATOR);

    public KafkaUsers {
        passwords = Map.copyOf(new TreeMap<>(passwords));
        for (String u : REQUIRED) {
            if (!passwords.containsKey(u)) {
                throw new IllegalArgumentException("Kafka users file lacks user '" + u + "'");
            }
        }
        passwords.forEach((u, p) -> {
            // They go into SCRAM format arguments and JAAS lines: keep them to a safe alphabet.
            if (!u.matches("[A-Za-z0-9._-]{1,64}") || !p.matches("[A-Za-z0-9._~-]{16,128}")) {
                throw new IllegalArgumentException("Kafka user '" + u + "': names [A-Za-z0-9._-]{1,64}, passwords"
                        + " [A-Za-z0-9._~-]{16,128}");
            }
        });
    }

    public static KafkaUsers read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return new KafkaUsers(m);
    }

    public String password(String user) {
        return passwords.get(user);
    }

    /** Redacted: the names only. */
    @Override
    public String toString() {
        return "KafkaUsers" + passwords.keySet();
    }
}
