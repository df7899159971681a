package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.sim.SimPoolSpec;

/**
 * Issue #9 items 4-6 on a running two-node pool: a pool setting changed on one host is checked, journaled with who
 * changed it, written to the pool and applied by the other host's node without a restart; a bad value changes
 * nothing; backup / restore / reset-defaults / import-halizard (HA-Lizard's HA_* keys and its override file, secrets
 * masked and skipped); with the node down, {@code config get} still shows the defaults and the host's file.
 */
@Tag("cluster")
class PoolConfigTest {
  static Cli.Run tandem(java.nio.file.Path socket, String... args) {
    return Cli.tandem(socket, args);
  }

  static SimPoolSpec withHaLizardKeys() {
    SimPoolSpec base = TwoHostPool.spec();
    Map<String, String> other = new LinkedHashMap<>(base.poolOtherConfig());
    other.put("HA_XAPI_COUNT", "4");
    other.put("HA_MONITOR_KILLALL", "1");
    other.put("HA_FENCE_PASSWD", "hunter2");
    other.put("HA_FENCE_QUORUM_REQUIRED", "1");
    return new SimPoolSpec(base.poolUuid(), base.poolName(), base.hosts(), base.masterUuid(), base.vms(), other,
        base.username(), base.password(), base.fuse(), base.xapiRestart());
  }

  @Test
  void aPoolSettingReachesEveryNodeAndBadOnesChangeNothing(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (TwoHostPool p = TwoHostPool.start(run, 1, "", withHaLizardKeys(), VMS)) {
      Path a = p.cluster.adminSocket(XA);
      Path b = p.cluster.adminSocket(XB);
      Instant t0 = Instant.now();

      Cli.Run get = tandem(a, "config", "get", "xapi_count");
      assertEquals(0, get.rc(), get.all());
      assertTrue(get.out().contains("XAPI_COUNT=3") && get.out().contains("from: default"), get.out());
      assertEquals(2, json.readTree(tandem(b, "vm", "list", "--json").out()).path("opMode").asInt());

      Instant before = Instant.now();
      Cli.Run set = tandem(a, "config", "set", "op_mode", "1");
      assertEquals(0, set.rc(), set.all());
      assertTrue(set.out().contains("Successfully updated OP_MODE to value: 1"), set.out());
      assertEquals("1", p.cluster.pool.poolOtherConfig().get("tandem.OP_MODE"));
      assertTrue(SimCluster.await(Duration.ofSeconds(5), () -> {
        try {
          return json.readTree(tandem(b, "vm", "list", "--json").out()).path("opMode").asInt() == 1;
        } catch (java.io.IOException e) {
          return false;
        }
      }), "xb's node applied OP_MODE=1 without a restart");
      System.out.printf("config propagation: xa's set to xb's node applying it: %d ms%n",
          Duration.between(before, Instant.now()).toMillis());
      Cli.Run overridden = tandem(a, "config", "set", "GLOBAL_VM_HA", "1");
      assertEquals(0, overridden.rc(), overridden.all());
      assertTrue(overridden.out().contains("wins here over the pool value"), "the harness's host file sets "
          + "global-vm-ha itself: " + overridden.out());
      Cli.Run where = tandem(a, "config", "get", "GLOBAL_VM_HA");
      assertTrue(where.out().contains("GLOBAL_VM_HA=0") && where.out().contains("from: host file"), where.out());

      Map<String, String> was = p.cluster.pool.poolOtherConfig();
      Cli.Run bad = tandem(a, "config", "set", "FENCE_HEURISTICS_IPS", "10.0.0.1:300.0.0.1");
      assertEquals(2, bad.rc());
      assertTrue(bad.err().contains("Invalid IP address or host name [300.0.0.1]"), bad.err());
      assertEquals(2, tandem(a, "config", "set", "FENCE_PASSWD", "x").rc());
      assertEquals(2, tandem(a, "config", "set", "NO_SUCH", "1").rc());
      assertEquals(was, p.cluster.pool.poolOtherConfig(), "nothing changed");

      Cli.Run restart = tandem(b, "config", "set", "MAIL_SUBJECT", "HA alert from %h");
      assertEquals(0, restart.rc(), restart.all());
      assertTrue(restart.out().contains("takes effect when each node restarts"), restart.out());

      Path backup = run.resolve("backup.conf");
      assertEquals(0, tandem(a, "config", "backup", backup.toString()).rc());
      assertTrue(Files.readString(backup).contains("OP_MODE=1"), Files.readString(backup));
      assertEquals(2, tandem(a, "config", "backup", backup.toString()).rc(), "an existing file needs --force");
      assertEquals(0, tandem(a, "config", "set", "OP_MODE", "2").rc());
      Cli.Run restored = tandem(a, "config", "restore", backup.toString());
      assertEquals(0, restored.rc(), restored.all());
      assertEquals("1", p.cluster.pool.poolOtherConfig().get("tandem.OP_MODE"));

      Path override = run.resolve("ha-lizard.conf");
      Files.writeString(override, "#OP_MODE=1\nFENCE_MIN_HOSTS=\"2\"\n");
      Cli.Run imported = tandem(a, "config", "import-halizard", "--file", override.toString());
      assertEquals(0, imported.rc(), imported.all());
      assertEquals("4", p.cluster.pool.poolOtherConfig().get("tandem.XAPI_COUNT"), "HA_XAPI_COUNT imported");
      assertTrue(imported.out().contains("skipped MONITOR_KILLALL: MONITOR_KILLALL is not used by Tandem"), imported.out());
      assertTrue(imported.out().contains("skipped FENCE_PASSWD=****"), imported.out());
      assertFalse(imported.all().contains("hunter2"), "the secret is never shown");
      assertFalse(p.cluster.pool.poolOtherConfig().containsKey("tandem.FENCE_PASSWD"));

      assertEquals(2, tandem(a, "config", "reset-defaults").rc(), "needs --yes");
      assertEquals(0, tandem(a, "config", "reset-defaults", "--yes").rc());
      assertEquals("3", p.cluster.pool.poolOtherConfig().get("tandem.XAPI_COUNT"));
      assertEquals("2", p.cluster.pool.poolOtherConfig().get("tandem.OP_MODE"));

      var changes = p.cluster.events(XA, "ConfigChanged", t0);
      assertTrue(changes.stream().anyMatch(e -> e.text("key").equals("tandem.OP_MODE")
          && e.text("source").contains("via tandem config set")), changes.toString());
      assertFalse(changes.toString().contains("hunter2"));

      p.cluster.powerLoss(XB);
      Cli.Run down = tandem(b, "config", "get", "OP_MODE");
      assertEquals(3, down.rc(), down.all());
      assertTrue(down.out().contains("OP_MODE=2") && down.err().contains("pool's values cannot be read"), down.all());
      p.assertTheOneRuleHeld();
    }
  }
}
