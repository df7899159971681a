package org.tandemha.controller.admin;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemha.actors.AdminActor;
import org.tandemha.protocol.Admin;

/**
 * The node's admin socket (default {@code /run/tandem/admin.sock}): a Unix domain socket of mode 0600 (a directory
 * the node creates is 0700), so only root (the node's user) can talk to the node. One connection carries one JSON
 * request line and gets one JSON {@link Admin.Reply} line back; the request goes to this node's
 * {@link AdminActor}, found through the Receptionist.
 */
public final class AdminSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminSocket.class);
  public static final ObjectMapper JSON = new ObjectMapper();
  /** A request line longer than this is refused unread: a request is a verb and a few names. */
  static final int MAX_REQUEST = 64 * 1024;

  private final Path path;
  private final ServerSocketChannel server;

  private AdminSocket(Path path, ServerSocketChannel server) {
    this.path = path;
    this.server = server;
  }

  /**
   * Binds the socket and serves until closed (or the JVM ends).
   *
   * @param replyWithin how long a request may take (a fence: the fence timeout and a margin)
   * @throws IOException the socket cannot be bound, or another node answers on it
   */
  public static AdminSocket start(Path path, ActorSystem<?> system, Duration replyWithin) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      var attrs = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
          java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isOther()) throw new IOException(path + " exists and is not a socket: not replaced");
      boolean live;
      try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
        live = true;
      } catch (IOException stale) {
        live = false;
      }
      if (live) throw new IOException(path + ": another Tandem node answers on it");
      Files.delete(path);   // a socket left by a node that died
    }
    // Bound inside a fresh 0700 directory, made 0600, then renamed into place: at no moment can another user
    // connect, whatever the umask or the parent directory's mode.
    // A Unix socket's path holds at most 107 bytes, the staging directory's included: kept short.
    Path staging = null;
    java.util.Random random = new java.security.SecureRandom();
    for (int i = 0; staging == null; i++) {
      try {
        staging = Files.createDirectory(dir.resolve(".s" + Integer.toString(random.nextInt(1 << 30), 36)),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (i > 10) throw e;
      }
    }
    int longest = staging.resolve("admin.sock").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (longest > 107 || path.toAbsolutePath().toString().length() > 107) {
      Files.deleteIfExists(staging);
      throw new IOException(path + ": too long for a Unix socket (at most 107 bytes, staging included, here "
          + longest + "): choose a shorter tandem.admin.socket");
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      Path bound = staging.resolve("admin.sock");
      server.bind(UnixDomainSocketAddress.of(bound));
      Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
      Files.move(bound, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      server.close();
      throw e;
    } finally {
      Files.deleteIfExists(staging.resolve("admin.sock"));
      Files.deleteIfExists(staging);
    }
    AdminSocket socket = new AdminSocket(path, server);
    Thread acceptor = new Thread(() -> socket.serve(system, replyWithin), "tandem-admin-socket");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info("admin socket: {} (mode 0600)", path);
    return socket;
  }

  private void serve(ActorSystem<?> system, Duration replyWithin) {
    while (server.isOpen()) {
      SocketChannel c;
      try {
        c = server.accept();
      } catch (IOException e) {
        if (server.isOpen()) log.warn("admin socket: accept failed: {}", e.toString());
        return;
      }
      Thread t = new Thread(() -> answer(c, system, replyWithin), "tandem-admin-request");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void answer(SocketChannel c, ActorSystem<?> system, Duration replyWithin) {
    try (c) {
      Admin.Reply reply;
      String line;
      try {
        line = readLine(c);
      } catch (IOException e) {
        write(c, new Admin.Reply(2, List.of("bad request: " + e.getMessage())));
        return;
      }
      Admin.Request request;
      try {
        request = JSON.readValue(line, Admin.Request.class);
      } catch (IOException e) {
        write(c, new Admin.Reply(2, List.of("bad request: not an admin request (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")")));
        return;
      }
      try {
        ActorRef<AdminActor.Command> admin = localAdmin(system);
        String who = peer(c);
        reply = AskPattern.<AdminActor.Command, Admin.Reply>ask(admin, r -> new AdminActor.Ask(request, who, r),
            replyWithin, system.scheduler()).toCompletableFuture().get();
      } catch (Exception e) {
        reply = new Admin.Reply(1, List.of("the node did not answer within " + replyWithin.toSeconds() + "s: " + e));
      }
      write(c, reply);
    } catch (IOException e) {
      log.debug("admin socket: client went away: {}", e.toString());
    }
  }

  /** The connecting user, from the kernel's peer credentials: the journal says who changed what. */
  static String peer(SocketChannel c) {
    try {
      jdk.net.UnixDomainPrincipal p = c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
      return p.user().getName();
    } catch (IOException | UnsupportedOperationException e) {
      return "unknown user";
    }
  }

  private static ActorRef<AdminActor.Command> localAdmin(ActorSystem<?> system) throws Exception {
    Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
        system.receptionist(), r -> Receptionist.find(AdminActor.KEY, r), Duration.ofSeconds(5),
        system.scheduler()).toCompletableFuture().get();
    Set<ActorRef<AdminActor.Command>> all = listing.getServiceInstances(AdminActor.KEY);
    return all.stream().filter(r -> r.path().address().hasLocalScope()).findFirst()
        .orElseThrow(() -> new IllegalStateException("this node's admin actor is not running"));
  }

  static String readLine(SocketChannel c) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(MAX_REQUEST);
    while (buf.hasRemaining()) {
      int n = c.read(buf);
      if (n < 0) break;
      if (buf.position() > 0 && buf.get(buf.position() - 1) == '\n') break;
    }
    if (!buf.hasRemaining()) throw new IOException("longer than " + MAX_REQUEST + " bytes");
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
  }

  /** One object as a JSON line, as the CLI's {@code --json} prints it. */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void write(SocketChannel c, Object message) throws IOException {
    ByteBuffer out = ByteBuffer.wrap((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) c.write(out);
  }

  @Override public void close() {
    try {
      server.close();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("admin socket: {} not removed: {}", path, e.toString());
    }
  }
}
