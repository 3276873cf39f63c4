package io.fmkt.core.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Freed C heap memory that glibc keeps goes back to the operating system when trimmed. */
class NativeMemoryTest {
    private static final int BLOCK = 64 * 1024;

    @Test
    void trimReturnsFreedHeapMemoryToTheSystem() throws IOException {
        assumeThat(Files.exists(Path.of("/proc/self/status"))).as("Linux").isTrue();
        // 128 MiB in blocks below malloc's mmap threshold, so they come from the heap, touched, then
        // freed in front of one block still in use: free() alone keeps all of it resident
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 2048; i++) {
            blocks.add(touched(Native.malloc(BLOCK)));
        }
        long pin = touched(Native.malloc(BLOCK));
        blocks.forEach(Native::free);
        long freed = residentKib();
        assertThat(NativeMemory.trim()).isTrue();
        long trimmed = residentKib();
        assertThat(freed - trimmed).as("KiB returned").isGreaterThan(96 * 1024);
        Native.free(pin);
    }

    private static long touched(long block) {
        assertThat(block).isNotZero();
        new Pointer(block).setMemory(0, BLOCK, (byte) 1);
        return block;
    }

    private static long residentKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }
}
