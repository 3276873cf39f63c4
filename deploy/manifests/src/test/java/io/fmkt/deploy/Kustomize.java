package io.fmkt.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of {@code kustomize build} these manifests use, so the tests see what a cluster would
 * get without a kustomize binary (none on these machines): resources (files and directories),
 * components, patches (strategic merge patch files addressed by kind + name), secretGenerator
 * (envs files; behavior create or replace; no name hash), images and namespace. Any other field
 * fails the build, so a manifest cannot use something these tests silently ignore.
 *
 * <p>Strategic merge here: maps merge recursively, lists of maps that all have a {@code name} merge
 * by name (containers, env, volumes, volumeMounts), anything else is replaced — what Kubernetes does
 * for the fields the patches touch.
 */
final class Kustomize {
    static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "namespace", "resources",
            "components", "patches", "secretGenerator", "generatorOptions", "images");

    private Kustomize() {
    }

    /** The resources of the kustomization in {@code dir}, as plain maps. */
    static List<Map<String, Object>> build(Path dir) {
        return build(dir, false);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> build(Path dir, boolean component) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no kustomization.yaml in " + dir);
        }
        Map<String, Object> k = Repo.yamlMap(file);
        for (String key : k.keySet()) {
            if (!KUSTOMIZATION_FIELDS.contains(key)) {
                throw new IllegalStateException(file + ": field '" + key + "' is not supported by this check");
            }
        }
        String expectedKind = component ? "Component" : "Kustomization";
        if (!expectedKind.equals(k.get("kind"))) {
            throw new IllegalStateException(file + ": kind " + k.get("kind") + ", expected " + expectedKind);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String r : strings(k.get("resources"))) {
            Path p = dir.resolve(r).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(build(p, false));
            } else if (Files.isRegularFile(p)) {
                for (Object doc : Repo.yamlDocuments(p)) {
                    out.add((Map<String, Object>) doc);
                }
            } else {
                throw new IllegalStateException(file + ": resource " + r + " does not exist");
            }
        }
        for (String c : strings(k.get("components"))) {
            out.addAll(build(dir.resolve(c).normalize(), true));
        }
        Map<String, Object> options = (Map<String, Object>) k.getOrDefault("generatorOptions", Map.of());
        for (Object g : list(k.get("secretGenerator"))) {
            if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash"))) {
                throw new IllegalStateException(file + ": generated names need generatorOptions.disableNameSuffixHash: true"
                        + " (references are checked by name)");
            }
            generateSecret(dir, file, (Map<String, Object>) g, out);
        }
        for (Object p : list(k.get("patches"))) {
            Map<String, Object> patch = (Map<String, Object>) p;
            if (patch.size() != 1 || !patch.containsKey("path")) {
                throw new IllegalStateException(file + ": only 'path' patches are supported: " + patch);
            }
            for (Object doc : Repo.yamlDocuments(dir.resolve((String) patch.get("path")))) {
                applyPatch(file, out, (Map<String, Object>) doc);
            }
        }
        for (Object i : list(k.get("images"))) {
            setImage(out, (Map<String, Object>) i);
        }
        if (k.get("namespace") instanceof String ns) {
            for (Map<String, Object> r : out) {
                if (!"Namespace".equals(r.get("kind"))) {
                    metadata(r).put("namespace", ns);
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void generateSecret(Path dir, Path file, Map<String, Object> g, List<Map<String, Object>> out) {
        String name = (String) g.get("name");
        String behavior = (String) g.getOrDefault("behavior", "create");
        Map<String, Object> data = new LinkedHashMap<>();
        for (String env : strings(g.get("envs"))) {
            Path p = dir.resolve(env);
            // The real file holds credentials and is not committed; its committed example has the same keys.
            Path source = Files.isRegularFile(p) ? p : dir.resolve(env + ".example");
            if (!Files.isRegularFile(source)) {
                throw new IllegalStateException(file + ": neither " + env + " nor " + env + ".example exists");
            }
            for (String line : Repo.read(source).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                data.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        Map<String, Object> secret = new LinkedHashMap<>(Map.of("apiVersion", "v1", "kind", "Secret",
                "metadata", new LinkedHashMap<>(Map.of("name", name)), "type", "Opaque", "stringData", data));
        int existing = indexOf(out, "Secret", name);
        switch (behavior) {
            case "create" -> {
                if (existing >= 0) {
                    throw new IllegalStateException(file + ": secretGenerator " + name + " exists already (behavior create)");
                }
                out.add(secret);
            }
            case "replace" -> {
                if (existing < 0) {
                    throw new IllegalStateException(file + ": secretGenerator " + name + " replaces nothing");
                }
                Map<String, Object> old = out.get(existing);
                ((Map<String, Object>) secret.get("metadata")).putAll(metadata(old));
                out.set(existing, secret);
            }
            default -> throw new IllegalStateException(file + ": behavior " + behavior + " not supported");
        }
    }

    @SuppressWarnings("unchecked")
    private static void applyPatch(Path file, List<Map<String, Object>> out, Map<String, Object> patch) {
        String kind = (String) patch.get("kind");
        String name = (String) metadata(patch).get("name");
        int i = indexOf(out, kind, name);
        if (i < 0) {
            throw new IllegalStateException(file + ": patch for " + kind + "/" + name + " matches no resource");
        }
        out.set(i, (Map<String, Object>) merge(out.get(i), patch));
    }

    /** Strategic-merge (the subset described on the class). */
    @SuppressWarnings("unchecked")
    static Object merge(Object base, Object patch) {
        if (base instanceof Map<?, ?> b && patch instanceof Map<?, ?> p) {
            Map<String, Object> result = new LinkedHashMap<>((Map<String, Object>) b);
            for (Map.Entry<?, ?> e : p.entrySet()) {
                String key = (String) e.getKey();
                if (e.getValue() == null) {
                    result.remove(key);
                } else {
                    result.put(key, merge(result.get(key), e.getValue()));
                }
            }
            return result;
        }
        if (base instanceof List<?> b && patch instanceof List<?> p && byName(b) && byName(p)) {
            List<Object> result = new ArrayList<>(b);
            for (Object pe : p) {
                Object name = ((Map<?, ?>) pe).get("name");
                int at = -1;
                for (int j = 0; j < result.size(); j++) {
                    if (name.equals(((Map<?, ?>) result.get(j)).get("name"))) {
                        at = j;
                    }
                }
                if (at >= 0) {
                    result.set(at, merge(result.get(at), pe));
                } else {
                    result.add(pe);
                }
            }
            return result;
        }
        return patch;
    }

    private static boolean byName(List<?> l) {
        return !l.isEmpty() && l.stream().allMatch(x -> x instanceof Map<?, ?> m && m.get("name") != null);
    }

    @SuppressWarnings("unchecked")
    private static void setImage(List<Map<String, Object>> out, Map<String, Object> image) {
        String name = (String) image.get("name");
        for (Map<String, Object> r : out) {
            for (Map<String, Object> c : containers(r)) {
                String current = (String) c.get("image");
                if (current != null && imageName(current).equals(name)) {
                    String newName = (String) image.getOrDefault("newName", name);
                    String tag = (String) image.getOrDefault("newTag", imageTag(current));
                    c.put("image", tag == null ? newName : newName + ":" + tag);
                }
            }
        }
    }

    /** The repository part of an image reference (a registry port's colon is not a tag). */
    static String imageName(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(0, colon) : image;
    }

    static String imageTag(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(colon + 1) : null;
    }

    /** The containers (and init containers) of a workload's pod template (empty for other kinds). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> containers(Map<String, Object> r) {
        Object spec = r.get("spec");
        if (!(spec instanceof Map)) {
            return List.of();
        }
        Object template = ((Map<String, Object>) spec).get("template");
        if (!(template instanceof Map)) {
            return List.of();
        }
        Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) template).get("spec");
        List<Map<String, Object>> all = new ArrayList<>();
        for (String key : List.of("initContainers", "containers")) {
            for (Object c : list(podSpec.get(key))) {
                all.add((Map<String, Object>) c);
            }
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> r) {
        return (Map<String, Object>) r.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    }

    static int indexOf(List<Map<String, Object>> resources, String kind, String name) {
        for (int i = 0; i < resources.size(); i++) {
            Map<String, Object> r = resources.get(i);
            if (kind.equals(r.get("kind")) && name.equals(metadata(r).get("name"))) {
                return i;
            }
        }
        return -1;
    }

    static List<?> list(Object o) {
        return o == null ? List.of() : (List<?>) o;
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object o) {
        return (List<String>) list(o);
    }
}
