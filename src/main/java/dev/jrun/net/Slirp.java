package dev.jrun.net;

import java.util.List;

/** Placeholder while the helper's options are settled: replaced in the next commit. */
public final class Slirp implements AutoCloseable {
    public static Slirp start(int pid, List<Port> ports) throws NetworkException {
        throw new NetworkException("slirp: not yet");
    }

    @Override
    public void close() {}
}
