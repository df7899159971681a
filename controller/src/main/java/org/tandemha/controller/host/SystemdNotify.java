package org.tandemha.controller.host;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.tandemha.actors.port.ServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's {@code sd_notify} protocol ({@code Type=notify}, {@code WatchdogSec=}): one datagram per state on the
 * AF_UNIX socket named by {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace). The JDK opens
 * only stream Unix sockets, so the datagram socket is libc's, through JNA. Sends never block and never throw: a
 * failure is logged once and the node goes on (without its keep-alives, systemd restarts it, which is the point).
 */
public final class SystemdNotify implements ServiceManager {
  private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);
  static final int AF_UNIX = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int MSG_DONTWAIT = 0x40;
  static final int MSG_NOSIGNAL = 0x4000;

  /** The few libc calls a datagram Unix socket needs. */
  interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    long sendto(int fd, byte[] buf, long len, int flags, SockaddrUn to, int toLength) throws LastErrorException;

    int bind(int fd, SockaddrUn address, int length) throws LastErrorException;

    long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  /** {@code struct sockaddr_un}. */
  @Structure.FieldOrder({"family", "path"})
  public static final class SockaddrUn extends Structure {
    public short family = AF_UNIX;
    public byte[] path = new byte[108];

    /** The address of {@code name} and its length for the call: a path ends in NUL, an abstract name does not. */
    static Address of(String name) {
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      if (bytes.length == 0 || bytes.length > 107) {
        throw new IllegalArgumentException("a Unix socket address of 1 to 107 bytes, not " + bytes.length);
      }
      SockaddrUn a = new SockaddrUn();
      boolean abstractName = bytes[0] == '@';
      System.arraycopy(bytes, abstractName ? 1 : 0, a.path, abstractName ? 1 : 0, abstractName ? bytes.length - 1 : bytes.length);
      a.write();
      return new Address(a, 2 + bytes.length + (abstractName ? 0 : 1));
    }
  }

  record Address(SockaddrUn address, int length) {}

  private final String socketName;
  private final Address to;
  private final int fd;
  private volatile String lastFailure = "";

  private SystemdNotify(String socketName) {
    this.socketName = socketName;
    this.to = SockaddrUn.of(socketName);
    this.fd = LibC.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }

  /** The service manager of {@code $NOTIFY_SOCKET}, or {@link ServiceManager#NONE} when not started by systemd. */
  public static ServiceManager fromEnvironment() {
    return of(System.getenv("NOTIFY_SOCKET"));
  }

  static ServiceManager of(String notifySocket) {
    if (notifySocket == null || notifySocket.isBlank()) return ServiceManager.NONE;
    try {
      SystemdNotify notify = new SystemdNotify(notifySocket);
      LOG.info("systemd: readiness and watchdog keep-alives go to NOTIFY_SOCKET {}", notifySocket);
      return notify;
    } catch (RuntimeException | LinkageError e) {
      LOG.error("systemd: NOTIFY_SOCKET {} cannot be used ({}); readiness and keep-alives are not sent, so a "
          + "Type=notify unit will time out: run the node with Type=simple instead", notifySocket, e.toString());
      return ServiceManager.NONE;
    }
  }

  @Override
  public void ready(String status) {
    send("READY=1\nSTATUS=" + oneLine(status));
  }

  @Override
  public void alive() {
    send("WATCHDOG=1");
  }

  @Override
  public void status(String status) {
    send("STATUS=" + oneLine(status));
  }

  @Override
  public void stopping() {
    send("STOPPING=1\nSTATUS=stopping");
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  private void send(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    try {
      LibC.INSTANCE.sendto(fd, bytes, bytes.length, MSG_DONTWAIT | MSG_NOSIGNAL, to.address(), to.length());
      if (!lastFailure.isEmpty()) {
        LOG.info("systemd: NOTIFY_SOCKET {} takes messages again", socketName);
        lastFailure = "";
      }
    } catch (LastErrorException e) {
      String why = "errno " + e.getErrorCode();
      if (!why.equals(lastFailure)) {
        LOG.warn("systemd: a message to NOTIFY_SOCKET {} failed ({}); if keep-alives keep failing, systemd "
            + "restarts this node after WatchdogSec", socketName, why);
        lastFailure = why;
      }
    }
  }

  /**
   * The receiving end, bound as systemd binds its notify socket: for the harness and the tests that check a node's
   * readiness the way systemd does (a packaged node started with {@code NOTIFY_SOCKET} set to this).
   */
  public static final class Listener implements AutoCloseable {
    private final int fd;

    public Listener(String name) {
      fd = LibC.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      Address a = SockaddrUn.of(name);
      try {
        LibC.INSTANCE.bind(fd, a.address(), a.length());
      } catch (LastErrorException e) {
        LibC.INSTANCE.close(fd);
        throw new IllegalStateException("cannot bind notify socket " + name + ": errno " + e.getErrorCode(), e);
      }
    }

    /** The next datagram within {@code millis}, if one came. */
    public Optional<String> next(long millis) throws InterruptedException {
      byte[] buf = new byte[4096];
      long end = System.nanoTime() + millis * 1_000_000;
      do {
        try {
          long n = LibC.INSTANCE.recv(fd, buf, buf.length, MSG_DONTWAIT);
          return Optional.of(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
        } catch (LastErrorException e) {
          Thread.sleep(10);   // EAGAIN: nothing yet
        }
      } while (System.nanoTime() < end);
      return Optional.empty();
    }

    @Override
    public void close() {
      LibC.INSTANCE.close(fd);
    }
  }
}
