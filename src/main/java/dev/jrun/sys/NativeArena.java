package dev.jrun.sys;

import com.sun.jna.Memory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One block of native memory holding every string, argv/envp array and struct a forked child
 * needs, laid out before the fork so the child never allocates. Callers get offsets while
 * building and absolute addresses from {@link #address(int)} after {@link #seal()}.
 */
public final class NativeArena implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    /** Offsets of 8-byte slots that hold arena offsets and must become addresses (argv entries). */
    private final List<Integer> relocations = new ArrayList<>();
    private Memory memory;

    /** A NUL-terminated UTF-8 string. */
    public int string(String s) {
        return put(s.getBytes(StandardCharsets.UTF_8), 1, true);
    }

    /** A NULL-terminated array of pointers to NUL-terminated strings (argv, envp). */
    public int stringArray(List<String> items) {
        int[] strings = new int[items.size()];
        for (int i = 0; i < strings.length; i++) strings[i] = string(items.get(i));
        align(8);
        int at = bytes.size();
        for (int s : strings) {
            relocations.add(bytes.size());
            writeLong(s);
        }
        writeLong(0);
        return at;
    }

    /** Raw bytes (a struct laid out by the caller), 8-byte aligned. */
    public int struct(byte[] data) {
        return put(data, 8, false);
    }

    /** Zeroed scratch space, 8-byte aligned. */
    public int zeroed(int size) {
        return put(new byte[size], 8, false);
    }

    /** A little-endian struct builder for {@link #struct(byte[])}. */
    public static ByteBuffer layout(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    private int put(byte[] data, int alignment, boolean nul) {
        if (memory != null) throw new IllegalStateException("arena sealed");
        align(alignment);
        int at = bytes.size();
        bytes.writeBytes(data);
        if (nul) bytes.write(0);
        return at;
    }

    private void align(int alignment) {
        while (bytes.size() % alignment != 0) bytes.write(0);
    }

    private void writeLong(long v) {
        byte[] b = new byte[8];
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putLong(v);
        bytes.writeBytes(b);
    }

    /** Copies everything into native memory and turns the recorded offsets into addresses. */
    public NativeArena seal() {
        byte[] all = bytes.toByteArray();
        memory = new Memory(Math.max(all.length, 8));
        memory.clear();
        memory.write(0, all, 0, all.length);
        long base = com.sun.jna.Pointer.nativeValue(memory);
        for (int slot : relocations) memory.setLong(slot, base + memory.getLong(slot));
        return this;
    }

    public long address(int offset) {
        return com.sun.jna.Pointer.nativeValue(memory) + offset;
    }

    public int size() {
        return bytes.size();
    }

    @Override
    public void close() {
        if (memory != null) memory.close();
    }
}
