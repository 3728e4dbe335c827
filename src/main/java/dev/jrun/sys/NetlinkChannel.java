package dev.jrun.sys;

import java.util.List;
import java.util.function.IntFunction;

/**
 * What the link logic needs of a netlink socket: one request at a time, built for the sequence
 * number the channel picks, and its outcome. {@link NetlinkSocket} is the kernel's; tests use a
 * recording fake that answers from a script.
 */
public interface NetlinkChannel extends AutoCloseable {
    /** Sends a request that asks for an ACK (NLM_F_ACK) and waits for it. */
    void request(IntFunction<byte[]> build, String what) throws NetlinkException;

    /** Sends a GET without NLM_F_ACK and returns its one answer, a whole netlink message. */
    byte[] get(IntFunction<byte[]> build, String what) throws NetlinkException;

    /** Sends a dump request and returns its messages, without the NLMSG_DONE. */
    List<byte[]> dump(IntFunction<byte[]> build, String what) throws NetlinkException;

    @Override
    void close();
}
