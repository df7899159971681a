package org.tandemha.controller.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.AdminActor;
import org.tandemha.actors.FenceAgentActor;
import org.tandemha.controller.fence.FenceCommand;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.HostId;

/**
 * The admin socket with the real AdminActor behind it and a fence agent that confirms: {@code tandem fence HOST
 * --really} reaches the fence; bad requests get a clear answer and fence nothing; the socket is 0600; a stale socket
 * file is replaced, a live one is not taken over.
 */
class AdminSocketTest {
  static final ActorTestKit testKit = ActorTestKit.create("AdminSocketTest");
  static final HostId SELF = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01");
  static final String PEER = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a02";
  static final List<FenceAgentActor.Fence> fenced = new CopyOnWriteArrayList<>();

  static {
    ActorRef<FenceAgentActor.Command> agent = testKit.spawn(Behaviors.receive(FenceAgentActor.Command.class)
        .onMessage(FenceAgentActor.Fence.class, f -> {
          fenced.add(f);
          f.replyTo().tell(new FenceOutcome.Confirmed(f.target(), "sim-pdu", "power read back OFF", Instant.now()));
          return Behaviors.same();
        }).build());
    testKit.spawn(AdminActor.create(SELF, agent));
  }

  @AfterAll static void shutdown() { testKit.shutdownTestKit(); }

  @TempDir
  Path tmp;

  record Result(int rc, String out, String err) {}

  static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = FenceCommand.run(List.of(args), new PrintStream(out, true), new PrintStream(err, true));
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String raw(Path socket, String request) throws Exception {
    try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      c.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
      return AdminSocket.readLine(c);
    }
  }

  @Test
  void fenceReallyGoesThroughTheNodeAndBadRequestsFenceNothing() throws Exception {
    Path socket = tmp.resolve("run").resolve("admin.sock");
    try (AdminSocket s = AdminSocket.start(socket, testKit.system(), Duration.ofSeconds(10))) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));

      Result ok = cli(PEER, "--really", "--socket", socket.toString());
      assertEquals(0, ok.rc(), ok.out() + ok.err());
      assertTrue(ok.out().contains("confirmed off by sim-pdu"), ok.out());
      assertEquals(1, fenced.size());
      assertEquals(new HostId(PEER), fenced.get(0).target());
      assertTrue(fenced.get(0).reason().contains("operator"), fenced.get(0).reason());

      assertEquals(2, cli(PEER, "--socket", socket.toString()).rc(), "without --really");
      Result own = cli(SELF.uuid(), "--really", "--socket", socket.toString());
      assertEquals(2, own.rc());
      assertTrue(own.err().contains("this node's own host"), own.err());
      Result notUuid = cli("xs2; reboot", "--really", "--socket", socket.toString());
      assertEquals(2, notUuid.rc());
      assertTrue(notUuid.err().contains("is not a host UUID"), notUuid.err());
      assertTrue(raw(socket, "{not json\n").contains("\"exit\":2"));
      assertTrue(raw(socket, "{\"verb\":\"status\",\"pad\":\"" + "x".repeat(70_000) + "\"}\n").contains("longer than"),
          "an oversized request is refused whole");
      assertTrue(raw(socket, "{\"verb\":\"reboot-everything\"}\n").contains("not an admin request"));
      assertTrue(raw(socket, "{\"verb\":\"fence\",\"host\":\"" + PEER + "\"}\n").contains("needs --really"));
      assertEquals(1, fenced.size(), "no bad request fenced anything");

      assertThrows(java.io.IOException.class, () -> AdminSocket.start(socket, testKit.system(), Duration.ofSeconds(1)),
          "a live socket is not taken over");
    }
    // A stale socket, as a node killed with -9 leaves it (close() removed ours: bind one and drop it).
    try (var dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
    try (AdminSocket again = AdminSocket.start(socket, testKit.system(), Duration.ofSeconds(10))) {
      assertEquals(0, cli(PEER, "--really", "--socket", socket.toString()).rc());
    }
    Path notASocket = tmp.resolve("run").resolve("tandem.conf");
    Files.writeString(notASocket, "precious");
    assertThrows(java.io.IOException.class, () -> AdminSocket.start(notASocket, testKit.system(), Duration.ofSeconds(1)));
    assertEquals("precious", Files.readString(notASocket), "a file that is not a socket is never deleted");
  }

  @Test
  void noNodeListeningIsExitThree() {
    Result r = cli(PEER, "--really", "--socket", tmp.resolve("nobody.sock").toString());
    assertEquals(3, r.rc());
    assertTrue(r.err().contains("not reachable") && r.err().contains("nothing was powered off"), r.err());
  }
}
