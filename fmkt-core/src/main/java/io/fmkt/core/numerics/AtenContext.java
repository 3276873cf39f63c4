package io.fmkt.core.numerics;

import ai.djl.engine.Engine;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * libtorch's process-wide switches for which library computes float32 convolutions: PyTorch's
 * {@code torch.backends.mkldnn.enabled} (oneDNN) and {@code torch.backends.nnpack.enabled}, which
 * DJL 0.36 does not expose. They are called through JNA on the C++ symbols of the libtorch_cpu that
 * DJL loaded, found in {@code /proc/self/maps} so that it is the very library the engine uses. ATen
 * reads them on every convolution, forward and backward, so they only matter while a step runs:
 * {@link ConvolutionSwitch} decides when they change.
 *
 * <p>With oneDNN off, ATen hands a batch of 16 or more to NNPACK, which is slower than oneDNN and
 * chooses its own blocking from the cache sizes (measured: 3-7x slower than ATen's im2col and GEMM
 * at widths 4 to 16); with both off, ATen runs its own {@code slow_conv2d}: im2col and MKL's GEMM.
 */
final class AtenContext {
    private static final String LIBRARY = "libtorch_cpu.so";
    private static AtenContext instance;

    private final Pointer context;
    private final Function setMkldnn;
    private final Function mkldnn;
    private final Function setNnpack;
    private final Function nnpack;

    private AtenContext(NativeLibrary torch) {
        context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        setMkldnn = torch.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb");
        mkldnn = torch.getFunction("_ZNK2at7Context17userEnabledMkldnnEv");
        setNnpack = torch.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb");
        nnpack = torch.getFunction("_ZNK2at7Context17userEnabledNNPACKEv");
    }

    /** The engine's context, starting the engine if it has not started yet. */
    static synchronized AtenContext get() {
        if (instance == null) {
            Engine.getEngine("PyTorch"); // loads libtorch
            Path lib = loaded(Path.of("/proc/self/maps")).orElseThrow(() -> new IllegalStateException(
                    "PyTorch started, but no " + LIBRARY + " is mapped in this process: cannot choose its"
                            + " convolutions (only Linux builds of libtorch are supported)"));
            instance = new AtenContext(NativeLibrary.getInstance(lib.toString()));
        }
        return instance;
    }

    /** The kernels libtorch's switches select now (oneDNN on: PyTorch's default). */
    Convolutions convolutions() {
        if (flag(mkldnn)) {
            return Convolutions.ONEDNN;
        }
        return flag(nnpack) ? null : Convolutions.ATEN; // null: NNPACK, which fmkt never selects
    }

    void use(Convolutions kind) {
        boolean oneDnn = kind == Convolutions.ONEDNN;
        setMkldnn.invokeVoid(new Object[] {context, oneDnn});
        setNnpack.invokeVoid(new Object[] {context, oneDnn}); // PyTorch's default beside oneDNN; never beside ATen
        if (convolutions() != kind) {
            throw new IllegalStateException("libtorch did not switch its convolutions to " + kind.label());
        }
    }

    private boolean flag(Function getter) {
        // a C++ bool sets only the low byte of the return register
        return ((Byte) getter.invoke(Byte.class, new Object[] {context})) != 0;
    }

    static Optional<Path> loaded(Path maps) {
        try {
            return Files.readAllLines(maps).stream()
                    .map(l -> l.substring(l.indexOf('/') < 0 ? l.length() : l.indexOf('/')))
                    .filter(p -> p.endsWith("/" + LIBRARY))
                    .findFirst().map(Path::of);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + maps, e);
        }
    }
}
