import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Build-time warm-up for the service images: starts DJL's PyTorch engine once so that DJL extracts
 * libtorch (from the pytorch-native-cpu jar) and its JNI library (from pytorch-jni) into
 * {@code $DJL_CACHE_DIR}, inside the image. At run time the engine then loads the natives from there
 * and never writes or downloads anything. Reflection only: compiled without DJL on the class path,
 * run with the service's {@code lib/main/*} on it.
 *
 * <p>Usage: {@code java -cp /opt/fmkt/warmup:/deployments/lib/main/* DjlWarmup}; exit status 0 when
 * the engine started and the cache holds libtorch.
 */
public final class DjlWarmup {
    public static void main(String[] args) throws Exception {
        String cache = System.getenv("DJL_CACHE_DIR");
        if (cache == null || cache.isBlank()) {
            fail("DJL_CACHE_DIR is not set: the natives would land in ~/.djl.ai, outside the image's cache");
        }
        System.setProperty("ai.djl.offline", "true"); // natives come from the jar, never the network
        Class<?> engineClass = Class.forName("ai.djl.engine.Engine");
        Object engine = engineClass.getMethod("getEngine", String.class).invoke(null, "PyTorch");
        String version = (String) engineClass.getMethod("getVersion").invoke(engine);
        // 1 + 1 on the engine: proves the JNI library binds, not just that files were copied.
        Class<?> managerClass = Class.forName("ai.djl.ndarray.NDManager");
        try (AutoCloseable manager = (AutoCloseable) managerClass.getMethod("newBaseManager").invoke(null)) {
            Object one = managerClass.getMethod("create", float.class).invoke(manager, 1f);
            Class<?> ndArray = Class.forName("ai.djl.ndarray.NDArray");
            Object two = ndArray.getMethod("add", Number.class).invoke(one, 1f);
            float value = (float) ndArray.getMethod("getFloat", long[].class).invoke(two, (Object) new long[0]);
            if (value != 2f) {
                fail("PyTorch computed 1 + 1 = " + value);
            }
        }
        long libs;
        try (Stream<Path> files = Files.walk(Path.of(cache))) {
            libs = files.filter(p -> p.getFileName().toString().contains("libtorch")).count();
        } catch (IOException e) {
            libs = 0;
        }
        if (libs == 0) {
            fail("no libtorch under " + cache + " after the engine started");
        }
        System.out.println("DJL PyTorch " + version + " ready; natives in " + cache);
    }

    private static void fail(String message) {
        System.err.println("DjlWarmup: " + message);
        System.exit(1);
    }
}
