package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;

/**
 * Issue #9: the {@code tandem} verbs against a running two-node pool (with a witness), through the nodes' admin
 * sockets — status (text and JSON, every node in it), host and VM lists, the pool switches and the VM settings (each
 * journaled with who changed it, and read back from the simulated pool), names with spaces, quotes and unicode,
 * an ambiguous name, bad values, a non-root user refused by the socket, and a node that is down.
 */
@Tag("cluster")
class OperatorCliTest {
  static final String TWIN_A = "b0e1c2d3-0007-4000-8000-0000000c0f07";
  static final String TWIN_B = "b0e1c2d3-0008-4000-8000-0000000c0f08";
  static final String ODD = "b0e1c2d3-0009-4000-8000-0000000c0f09";
  static final String ODD_NAME = "Ünïcode 'quoted' vm";

  static Cli.Run tandem(java.nio.file.Path socket, String... args) {
    return Cli.tandem(socket, args);
  }

  static SimPoolSpec specWithOddNames() {
    SimPoolSpec base = TwoHostPool.spec();
    List<VmSpec> vms = new ArrayList<>(base.vms());
    vms.add(new VmSpec(TWIN_A, "twin", "Running", XA, Map.of(FIELD, "false"), 0, 0));
    vms.add(new VmSpec(TWIN_B, "twin", "Running", XB, Map.of(FIELD, "false"), 0, 0));
    vms.add(new VmSpec(ODD, ODD_NAME, "Running", XB, Map.of(FIELD, "false"), 0, 0));
    return new SimPoolSpec(base.poolUuid(), base.poolName(), base.hosts(), base.masterUuid(), vms,
        base.poolOtherConfig(), base.username(), base.password(), base.fuse(), base.xapiRestart());
  }

  @Test
  void everyVerbThroughTheNodesAndTheirBadInput(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (TwoHostPool p = TwoHostPool.start(run, 1, "", specWithOddNames(), VMS)) {
      Path a = p.cluster.adminSocket(XA);
      Instant t0 = Instant.now();

      Cli.Run status = tandem(a, "status", "--json");
      assertEquals(0, status.rc(), status.all());
      JsonNode s = json.readTree(status.out());
      for (String key : List.of("quorum", "armed", "master", "autopromote", "storage")) {
        assertTrue(s.has(key), key + " missing in " + status.out());
      }
      assertTrue(s.path("quorum").path("quorate").asBoolean(), status.out());
      assertTrue(s.path("armed").asBoolean());
      assertEquals(XA, s.path("master").path("uuid").asText());
      assertEquals(XB, s.path("autopromote").path("uuid").asText());
      assertEquals("master", s.path("role").asText());
      assertEquals(2, s.path("nodes").size(), "both nodes answer: " + status.out());
      assertEquals(0, s.path("notAnswering").size());

      Cli.Run text = tandem(p.cluster.adminSocket(XB), "status");
      assertEquals(0, text.rc(), text.all());
      assertTrue(text.out().contains("Host role:       slave"), text.out());
      assertTrue(text.out().contains("Mode [ 2 ]") && text.out().contains("Pool HA status:  ENABLED"), text.out());
      assertTrue(text.out().contains("QUORATE"), text.out());

      Cli.Run hosts = tandem(a, "host", "list", "--json");
      assertEquals(0, hosts.rc(), hosts.all());
      JsonNode hs = json.readTree(hosts.out()).path("hosts");
      assertEquals(2, hs.size());
      hs.forEach(h -> assertTrue(h.path("nodeAnswered").asBoolean(), hosts.out()));

      Cli.Run vms = tandem(a, "vm", "list");
      assertEquals(0, vms.rc(), vms.all());
      assertTrue(vms.out().contains(ODD_NAME) && vms.out().contains("app-a1"), vms.out());
      assertFalse(vms.out().contains("Control domain"), "dom0s are left out: " + vms.out());

      Cli.Run twin = tandem(a, "vm", "set-ha", "twin", "true");
      assertEquals(2, twin.rc(), twin.all());
      assertTrue(twin.err().contains("ambiguous") && twin.err().contains(TWIN_A) && twin.err().contains(TWIN_B), twin.err());
      Cli.Run odd = tandem(a, "vm", "set-ha", ODD_NAME, "TRUE");
      assertEquals(0, odd.rc(), odd.all());
      assertEquals("true", p.cluster.pool.vmOtherConfig(ODD).get(FIELD));
      Cli.Run bad = tandem(a, "vm", "set-ha", ODD_NAME, "yes");
      assertEquals(2, bad.rc());
      assertTrue(bad.err().contains("must be true or false"), bad.err());
      assertEquals(2, tandem(a, "vm", "set-ha", "Ünïcode", "'quoted'", "vm", "true").rc(), "unquoted: too many");
      assertEquals(2, tandem(a, "vm", "set-ha", "no such vm", "true").rc());
      assertEquals(2, tandem(a, "vm", "set-priority", "app-a1", "-1").rc());
      assertEquals(0, tandem(a, "vm", "set-priority", "app-a1", "3").rc());
      assertEquals("3", p.cluster.pool.vmOtherConfig(VMS.get(0).uuid()).get("tandem-priority"));

      assertEquals(0, tandem(a, "disable").rc());
      assertEquals("false", p.cluster.pool.poolOtherConfig().get(FIELD));
      assertTrue(SimCluster.await(Duration.ofSeconds(10),
          () -> tandem(a, "status").out().contains("Pool HA status:  DISABLED")));
      Cli.Run again = tandem(a, "disable");
      assertEquals(0, again.rc());
      assertTrue(again.out().contains("nothing changed"), again.out());
      assertEquals(0, tandem(a, "enable").rc());
      assertEquals("true", p.cluster.pool.poolOtherConfig().get(FIELD));

      assertEquals(0, tandem(p.cluster.adminSocket(XB), "disarm").rc(), "any node may change a pool switch");
      assertEquals("false", p.cluster.pool.poolOtherConfig().get("tandem_armed"));
      assertTrue(SimCluster.await(Duration.ofSeconds(10), () -> {
        try {
          JsonNode now = json.readTree(tandem(a, "status", "--json").out());
          return !now.path("armed").asBoolean(true);
        } catch (java.io.IOException e) {
          return false;
        }
      }), "xa reads the disarm");
      assertEquals(0, tandem(a, "arm").rc());
      assertTrue(SimCluster.await(Duration.ofSeconds(10), () -> p.cluster.pool.messages().stream()
          .anyMatch(m -> m.name().equals("Tandem - Tandem DISARMED") && m.cls().equals("Pool") && m.priority() == 2)),
          "the disarm alerted as a pool message: " + p.cluster.pool.messages());
      Cli.Run test = tandem(a, "alert", "test");
      assertEquals(0, test.rc(), test.all());
      assertTrue(test.out().contains("xapi pool message: sent"), test.out());
      assertTrue(p.cluster.pool.messages().stream().anyMatch(m -> m.name().startsWith("Tandem - Test Message ID")));
      Cli.Run listed = tandem(a, "alerts", "list", "--json");
      assertEquals(0, listed.rc(), listed.all());
      assertTrue(json.readTree(listed.out()).path("alerts").toString().contains("DISARMED"), listed.out());

      List<JournalTimeline.Entry> changes = p.cluster.events(XA, "ConfigChanged", t0);
      assertTrue(changes.size() >= 5, "journaled on xa: " + p.types(XA, t0));
      assertTrue(changes.stream().allMatch(e -> e.text("source").startsWith(System.getProperty("user.name") + " via tandem ")),
          changes.toString());
      assertTrue(changes.stream().anyMatch(e -> e.text("scope").contains(ODD_NAME) && e.text("from").equals("false")
          && e.text("to").equals("true")), changes.toString());

      assertEquals(2, tandem(a, "status", "extra").rc());
      assertEquals(2, tandem(a, "enable", "--json").rc(), "--json is for the read verbs");
      assertEquals(0, tandem(a, "vm", "--help").rc());
      refusedToOthers(a);

      p.cluster.powerLoss(XB);   // xb's node is killed: its socket answers no more
      Cli.Run down = tandem(p.cluster.adminSocket(XB), "status");
      assertEquals(3, down.rc(), down.all());
      assertTrue(down.err().contains("DOWN"), down.err());
      assertTrue(down.out().contains("NOT RUNNING"), down.out());
      assertTrue(SimCluster.await(Duration.ofSeconds(15), () -> {
        try {
          return json.readTree(tandem(a, "status", "--json").out()).path("notAnswering").toString().contains(XB);
        } catch (java.io.IOException e) {
          return false;
        }
      }), "xa names xb's node as not answering");
      p.assertTheOneRuleHeld();
    }
  }

  /** The socket is root's alone: another user cannot even connect (tests and CI run as root). */
  private static void refusedToOthers(Path socket) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) return;
    Path src = Files.createTempFile("connect", ".java");
    Files.writeString(src, """
        public class Connect {
          public static void main(String[] a) throws Exception {
            try (var c = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(a[0]))) {
              System.out.println("CONNECTED");
            }
          }
        }
        """);
    Files.setPosixFilePermissions(src, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process pr = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
        src.toString(), socket.toString()).redirectErrorStream(true).start();
    assertTrue(pr.waitFor(60, TimeUnit.SECONDS));
    String said = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Files.deleteIfExists(src);
    assertFalse(said.contains("CONNECTED"), "nobody connected to the admin socket: " + said);
    assertTrue(said.contains("Permission denied") || said.contains("AccessDenied"), said);
  }
}
