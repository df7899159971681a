package org.tandemha.controller.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.AdminActor;
import org.tandemha.actors.FenceAgentActor;
import org.tandemha.actors.HaJournal;
import org.tandemha.actors.StorageRoleActor;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.StoragePort;
import org.tandemha.controller.admin.AdminSocket;
import org.tandemha.protocol.HostId;

/**
 * Issue #8 items 5 and 6 through the CLI, the admin socket and the node's actors: {@code tandem storage status}
 * (text and JSON), manual mode with iSCSI-HA's refusals, bad usage.
 */
class StorageCommandTest {
  static final ActorTestKit testKit = ActorTestKit.create("StorageCommandTest");
  static final HostId SELF = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01");

  @AfterAll static void shutdown() { testKit.shutdownTestKit(); }

  @TempDir
  Path tmp;

  /** A secondary host: r0 Secondary, peer Primary and connected, no target, no IP. */
  static final class Secondary implements StoragePort {
    @Override public String describe() { return "DRBD r0 (9), tgtd, 10.77.0.100/24 on eth0"; }
    @Override public Observed observe() {
      return new Observed(List.of(new Resource("r0", "Secondary", List.of("UpToDate"), "Connected", "Primary",
          List.of("UpToDate"), false)), false, false);
    }
    @Override public boolean floatingIpAnswersElsewhere() { return true; }
    @Override public void promote(String r) { throw new StorageError("not expected"); }
    @Override public void demote(String r) { }
    @Override public void startTarget() { throw new StorageError("not expected"); }
    @Override public void stopTarget() { }
    @Override public void addFloatingIp() { throw new StorageError("not expected"); }
    @Override public void removeFloatingIp() { }
    @Override public void resolveSplitBrain(String r, boolean survivor) { }
  }

  record Result(int rc, String out, String err) {}

  Result cli(Path socket, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--socket", socket.toString()));
    int rc = StorageCommand.run(all, new PrintStream(out, true), new PrintStream(err, true));
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void statusAndManualModeThroughTheSocket() throws Exception {
    ActorRef<HaJournal.Command> journal = testKit.spawn(HaJournal.standIn(new java.util.concurrent.CopyOnWriteArrayList<>(), null));
    ActorRef<StorageRoleActor.Command> storage = testKit.spawn(StorageRoleActor.create(SELF, new Secondary(),
        "10.77.0.100", journal, Clock.system(), Executors.newCachedThreadPool()));
    storage.tell(new StorageRoleActor.PoolRole(false));
    testKit.spawn(AdminActor.create(SELF, testKit.<FenceAgentActor.Command>createTestProbe().ref(), Optional.of(storage)));
    Path socket = tmp.resolve("admin.sock");
    try (AdminSocket s = AdminSocket.start(socket, testKit.system(), Duration.ofSeconds(10))) {
      Thread.sleep(1500);   // one reconcile round
      Result status = cli(socket, "status");
      assertEquals(0, status.rc(), status.err());
      assertTrue(status.out().contains("DRBD r0") && status.out().contains("role Secondary")
          && status.out().contains("[expected Secondary]"), status.out());
      assertTrue(status.out().contains("iSCSI target: Stopped [expected stopped]"), status.out());
      Result json = cli(socket, "status", "--json");
      assertEquals(0, json.rc(), json.err());
      var tree = new ObjectMapper().readTree(json.out());
      assertEquals("secondary", tree.get("expected").asText());
      assertEquals("Secondary", tree.get("resources").get(0).get("role").asText());

      Result notManual = cli(socket, "become-primary");
      assertEquals(1, notManual.rc());
      assertTrue(notManual.err().contains("must be in manual mode"), notManual.err());
      assertEquals(0, cli(socket, "manual-mode", "enable").rc());
      Result peerPrimary = cli(socket, "become-primary");
      assertEquals(1, peerPrimary.rc());
      assertTrue(peerPrimary.err().contains("Peer DRBD role detected as Primary (r0)"), peerPrimary.err());
      assertTrue(cli(socket, "status").out().contains("MANUAL (hold)"));
      assertEquals(0, cli(socket, "manual-mode", "disable").rc(), "secondary on a slave: back to automatic");

      assertEquals(2, cli(socket, "promote-everything").rc());
      assertEquals(2, cli(socket, "split-brain", "resolve").rc(), "--survivor is required");
      assertEquals(2, cli(socket, "manual-mode", "enable", "--json").rc());
    }
    assertEquals(3, cli(socket, "status").rc(), "no node listening");
  }
}
