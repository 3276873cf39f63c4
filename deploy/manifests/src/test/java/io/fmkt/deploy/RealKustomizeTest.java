package io.fmkt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization rendered by a real kustomize ({@code kubectl kustomize}, kustomize v5 inside
 * kubectl) equals what {@link Kustomize} (the subset the other tests check) renders, resource by
 * resource (lists merged by name, such as env and volumes, compared by name: kustomize puts a patch's
 * items first, the subset appends them; Kubernetes keys them by name), and every rendered document types as a known Kubernetes (or CRD) kind. Skipped when no
 * kubectl is on PATH, unless FMKT_REQUIRE_KUBECTL=1 (then it fails).
 */
class RealKustomizeTest {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @TempDir
    static Path copy;

    @BeforeAll
    static void kubectlAndACopyOfTheTree() throws Exception {
        boolean have = run(List.of("kubectl", "version", "--client"), null) != null;
        if (!have && "1".equals(System.getenv("FMKT_REQUIRE_KUBECTL"))) {
            throw new AssertionError("FMKT_REQUIRE_KUBECTL=1 but no kubectl on PATH");
        }
        Assumptions.assumeTrue(have, "no kubectl on PATH");
        // A copy of deploy/k8s, with prod's git-ignored s3.env made from its committed example (the
        // subset does the same when s3.env is missing), so both render the same input.
        Path src = Repo.deploy("k8s");
        try (Stream<Path> paths = Files.walk(src)) {
            for (Path p : paths.toList()) {
                Path to = copy.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path env = copy.resolve("overlays/prod/s3.env");
        if (!Files.exists(env)) {
            Files.copy(copy.resolve("overlays/prod/s3.env.example"), env);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void realKustomizeRendersWhatTheSubsetRenders(String path) throws Exception {
        String out = run(List.of("kubectl", "kustomize", copy.resolve(path).toString()), copy);
        assertThat(out).as("kubectl kustomize " + path).isNotNull();
        Path rendered = copy.resolve(path.replace('/', '-') + ".rendered.yaml");
        Files.writeString(rendered, out, StandardCharsets.UTF_8);
        Map<String, Object> real = byKey(Repo.yamlDocuments(rendered));
        Map<String, Object> subset = byKey(List.copyOf(Kustomize.build(copy.resolve(path))));
        assertThat(real.keySet()).as(path + ": the same resources").isEqualTo(subset.keySet());
        for (String key : real.keySet()) {
            assertThat(difference(real.get(key), subset.get(key), "")).as(path + ": " + key + " (kustomize vs subset)")
                    .isNull();
        }
        for (Object doc : Repo.yamlDocuments(rendered)) {
            HasMetadata typed = SERIALIZATION.unmarshal(SERIALIZATION.asJson(doc));
            assertThat(typed.getMetadata().getName()).as(path + ": every document has a name").isNotBlank();
        }
        assertThat(real).as(path + ": something rendered").isNotEmpty();
    }

    /** The first place where {@code a} and {@code b} differ ("path: a vs b"), or null. */
    @SuppressWarnings("unchecked")
    static String difference(Object a, Object b, String path) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            java.util.Set<Object> keys = new java.util.TreeSet<>(java.util.Comparator.comparing(String::valueOf));
            keys.addAll(ma.keySet());
            keys.addAll(mb.keySet());
            for (Object k : keys) {
                String d = difference(ma.get(k), mb.get(k), path + "/" + k);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (named(la) && named(lb)) {
                // Lists merged by name (env, volumes, volumeMounts, containers): their order is not
                // part of the object; kustomize puts a patch's items first, the subset appends them.
                return difference(byName(la), byName(lb), path);
            }
            for (int i = 0; i < Math.max(la.size(), lb.size()); i++) {
                String d = difference(i < la.size() ? la.get(i) : null, i < lb.size() ? lb.get(i) : null, path + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return java.util.Objects.equals(a, b) ? null : path + ": " + a + " vs " + b;
    }

    static boolean named(List<?> l) {
        return !l.isEmpty() && l.stream().allMatch(o -> o instanceof Map<?, ?> m && m.get("name") instanceof String);
    }

    static Map<String, Object> byName(List<?> l) {
        Map<String, Object> m = new TreeMap<>();
        for (Object o : l) {
            Object previous = m.put((String) ((Map<?, ?>) o).get("name"), o);
            assertThat(previous).as("name " + ((Map<?, ?>) o).get("name") + " twice").isNull();
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> byKey(List<?> docs) {
        Map<String, Object> m = new TreeMap<>();
        for (Object d : docs) {
            Map<String, Object> r = (Map<String, Object>) d;
            Map<String, Object> meta = (Map<String, Object>) r.get("metadata");
            if ("Secret".equals(r.get("kind")) && r.containsKey("stringData")) {
                // The subset writes a generated Secret's values as stringData, kustomize as base64 data:
                // the same Secret once the API server has read it.
                r = new java.util.LinkedHashMap<>(r);
                Map<String, Object> data = new java.util.LinkedHashMap<>((Map<String, Object>) r.getOrDefault("data", Map.of()));
                ((Map<String, Object>) r.remove("stringData")).forEach((k, v) -> data.put(k,
                        java.util.Base64.getEncoder().encodeToString(String.valueOf(v).getBytes(StandardCharsets.UTF_8))));
                r.put("data", data);
            }
            String key = r.get("kind") + "/" + meta.getOrDefault("namespace", "") + "/" + meta.get("name");
            assertThat(m.put(key, r)).as("unique " + key).isNull();
        }
        return m;
    }

    /** stdout of the command, or null when it cannot start or fails. */
    static String run(List<String> cmd, Path dir) throws InterruptedException {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        }
    }
}
