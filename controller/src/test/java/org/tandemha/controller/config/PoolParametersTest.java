package org.tandemha.controller.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.port.PoolConfig;

/**
 * Issue #9 items 4-5: every pool parameter checked before anything is written — each with a value it takes and
 * one it refuses, with the one message that says why — HA-Lizard's §7.2 quirks fixed, the precedence default &lt;
 * pool &lt; host file, and the pool's values turned into the node's settings.
 */
class PoolParametersTest {
  static final String HOST = "tandem.node { host-uuid = \"3f9a2c1e-5b7d-4e8f-a1c3-000000000a01\", "
      + "host-address = \"127.0.0.1\" }\nakka.cluster.seed-nodes = [\"akka://tandem@127.0.0.1:25520\"]\n";

  static PoolParameters params(String extra) {
    return new PoolParameters(ConfigFactory.parseString(HOST + extra), "/etc/tandem/tandem.conf");
  }

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("OP_MODE", "1", ""), Arguments.of("OP_MODE", "3", "must be 1 (vApps) or 2 (VMs)"),
        Arguments.of("op_mode", "2", ""),   // names in any case
        Arguments.of("GLOBAL_VM_HA", "0", ""), Arguments.of("GLOBAL_VM_HA", "0:1", "must be 0 or 1"),   // §7.2 ":" quirk
        Arguments.of("DISABLED_VAPPS", "", ""),
        Arguments.of("DISABLED_VAPPS", "5e1f0a2c-7d3b-4c1e-9a6f-2b8d4e6f0c01:5e1f0a2c-7d3b-4c1e-9a6f-2b8d4e6f0c02", ""),
        Arguments.of("DISABLED_VAPPS", "web-tier", "is not a UUID"),
        Arguments.of("XC_FIELD_NAME", "ha-lizard-enabled", ""), Arguments.of("XC_FIELD_NAME", "my field", "a field name"),
        Arguments.of("MONITOR_DELAY", "15", ""), Arguments.of("MONITOR_DELAY", "0", "must be more than 0"),
        Arguments.of("XAPI_COUNT", "5", ""), Arguments.of("XAPI_COUNT", "0", "must be a whole number 1-100"),
        Arguments.of("XAPI_DELAY", "500ms", ""), Arguments.of("XAPI_DELAY", "soon", "must be seconds"),
        Arguments.of("XE_TIMEOUT", "10", ""), Arguments.of("FENCE_ENABLED", "0", ""),
        Arguments.of("FENCE_ENABLED", "yes", "must be 0 or 1"),
        Arguments.of("FENCE_METHOD", "DRAC", "not supported"), Arguments.of("FENCE_METHOD", "my agent", "letters, digits"),
        Arguments.of("FENCE_FILE_LOC", "/etc/ha-lizard/fence", ""), Arguments.of("FENCE_FILE_LOC", "fence", "absolute path"),
        Arguments.of("FENCE_IPADDRESS", "", ""), Arguments.of("FENCE_IPADDRESS", "dom0.example.org", ""),
        Arguments.of("FENCE_IPADDRESS", "10.0.0.256", "is not an IP address or host name"),
        Arguments.of("FENCE_ACTION", "stop", ""), Arguments.of("FENCE_ACTION", "reset", "must be stop"),
        Arguments.of("FENCE_MIN_HOSTS", "3", ""), Arguments.of("FENCE_MIN_HOSTS", "-1", "whole number 1-64"),
        Arguments.of("FENCE_QUORUM_REQUIRED", "1", ""), Arguments.of("FENCE_QUORUM_REQUIRED", "2", "must be 0 or 1"),
        Arguments.of("FENCE_REBOOT_LONE_HOST", "1", ""), Arguments.of("FENCE_USE_IP_HEURISTICS", "0", ""),
        Arguments.of("FENCE_HEURISTICS_IPS", "10.0.0.1:switch1.example.org", ""),   // §7.2: host names allowed
        Arguments.of("FENCE_HEURISTICS_IPS", "10.0.0.1:300.1.1.1", "Invalid IP address or host name [300.1.1.1]"),
        Arguments.of("FENCE_HEURISTICS_IPS", "10.0.0.1::10.0.0.2", "Invalid IP address or host name []"),
        Arguments.of("FENCE_DELAY_SLAVE", "5", ""), Arguments.of("FENCE_TIMEOUT", "30", ""),
        Arguments.of("MGT_LINK_LOSS_TOLERANCE", "5", ""), Arguments.of("RESTART_CONCURRENCY", "65", "whole number 1-64"),
        Arguments.of("MAIL_ON", "1", ""), Arguments.of("MAIL_TO", "ops@example.org,oncall@example.org", ""),
        Arguments.of("MAIL_TO", "ops", "is not an e-mail address"),
        Arguments.of("MAIL_FROM", "@example.org", "is not an e-mail address"),   // §7.2: "@" alone passed
        Arguments.of("MAIL_SUBJECT", "HA alert from %h", ""),   // §7.2: spaces allowed where they mean something
        Arguments.of("MAIL_SCREEN_TIME", "30", ""), Arguments.of("MAIL_SCREEN_TIME", "half an hour", "whole minutes"),
        Arguments.of("SMTP_SERVER", "smtp.example.org", ""), Arguments.of("SMTP_PORT", "70000", "port 1-65535"),
        Arguments.of("SMTP_PORT", "", ""), Arguments.of("SMTP_SECURITY", "tls", "auto, plain, starttls or smtps"),
        Arguments.of("ENABLE_ALERTS", "0", ""),
        Arguments.of("MONITOR_DELAY", "", "cannot be empty"),
        Arguments.of("MONITOR_KILLALL", "1", "not used by Tandem"),
        Arguments.of("FENCE_HOST_FORGET", "1", "not used by Tandem"),
        Arguments.of("FENCE_PASSWD", "hunter2", "never keeps one in the pool database"),
        Arguments.of("SMTP_PASS", "hunter2", "0600 file"),
        Arguments.of("FENCE_MIN_HOST", "2", "not found (did you mean FENCE_MIN_HOSTS?)"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("values")
  void eachValueIsCheckedWithOneClearMessage(String name, String value, String problem) {
    PoolConfig.Check c = params("").check(Map.of(), name, value);
    if (problem.isEmpty()) {
      assertTrue(c.ok(), c.problem());
      assertEquals("tandem." + name.toUpperCase(), c.key());
    } else {
      assertFalse(c.ok(), name + "=" + value + " accepted");
      assertTrue(c.problem().contains(problem), c.problem());
      assertEquals("", c.key(), "nothing to write");
    }
  }

  @Test
  void crossFieldRulesAndWarnings() {
    PoolParameters p = params("");
    PoolConfig.Check login = p.check(Map.of("tandem.MAIL_TO", "ops@example.org"), "SMTP_USER", "tandem");
    assertFalse(login.ok());
    assertTrue(login.problem().contains("password-file"), login.problem());
    PoolConfig.Check pool = p.check(Map.of(), "FENCE_METHOD", "POOL");
    assertTrue(pool.ok(), pool.problem());
    assertTrue(String.join("\n", pool.warnings()).contains("no takeover happens without a confirmed fence"),
        pool.warnings().toString());
    PoolConfig.Check overridden = params("tandem.ha.xapi-count = 7\n").check(Map.of(), "XAPI_COUNT", "4");
    assertTrue(overridden.ok());
    assertTrue(overridden.warnings().get(0).contains("wins here over the pool value"), overridden.warnings().toString());
  }

  @Test
  void precedenceIsDefaultThenPoolThenHostFile() {
    PoolParameters p = params("tandem.ha.fence-min-hosts = 3\n");
    Map<String, String> pool = Map.of("tandem.XAPI_COUNT", "5", "tandem.FENCE_MIN_HOSTS", "2");
    Map<String, PoolConfig.Entry> e = new java.util.HashMap<>();
    p.effective(pool).forEach(x -> e.put(x.name(), x));
    assertEquals("5", e.get("XAPI_COUNT").value());
    assertEquals("pool", e.get("XAPI_COUNT").source());
    assertEquals("3", e.get("FENCE_MIN_HOSTS").value());
    assertEquals("host file /etc/tandem/tandem.conf", e.get("FENCE_MIN_HOSTS").source());
    assertEquals("default", e.get("OP_MODE").source());
    assertEquals("500ms", e.get("XAPI_DELAY").value());
    assertEquals("0", e.get("MAIL_ON").value());
  }

  @Test
  void thePoolsValuesBecomeTheNodesSettingsAndABadOneChangesNothing() {
    PoolParameters p = params("");
    PoolConfig.Applied a = p.settingsFor(Map.of("tandem.XAPI_COUNT", "5", "tandem.XAPI_DELAY", "2",
        "tandem.GLOBAL_VM_HA", "0", "tandem.FENCE_HEURISTICS_IPS", "10.0.0.1"));
    var s = a.settings().orElseThrow();
    assertEquals(5, s.ha().xapiCount());
    assertEquals(Duration.ofSeconds(2), s.ha().xapiDelay());
    assertFalse(s.ha().globalVmHa());
    assertEquals(List.of("10.0.0.1"), s.ha().heuristicsIps());
    PoolConfig.Applied bad = p.settingsFor(Map.of("tandem.XAPI_COUNT", "lots"));
    assertTrue(bad.settings().isEmpty());
    assertTrue(bad.problem().contains("XAPI_COUNT"), bad.problem());
  }

  @Test
  void settingsThatTakeARestartKeepTheirStartValueUntilThenAndAreRememberedForIt(@TempDir Path tmp) {
    Path cache = tmp.resolve("pool-settings.properties");
    PoolParameters started = new PoolParameters(ConfigFactory.parseString(HOST), "/etc/tandem/tandem.conf",
        Map.of("tandem.MONITOR_DELAY", "15"), java.util.Optional.of(cache));
    var now = started.settingsFor(Map.of("tandem.MONITOR_DELAY", "30", "tandem.XAPI_COUNT", "6")).settings().orElseThrow();
    assertEquals(Duration.ofSeconds(15), now.poll(), "MONITOR_DELAY takes a restart: the value of the start holds");
    assertEquals(6, now.ha().xapiCount(), "XAPI_COUNT is live");
    started.remember(Map.of("tandem.MONITOR_DELAY", "30", "other-key", "x"));
    assertEquals(java.util.Optional.of(Map.of("tandem.MONITOR_DELAY", "30")), PoolParameters.recalled(cache),
        "only the pool's tandem.* values are kept");
    assertTrue(PoolParameters.recalled(tmp.resolve("none")).isEmpty());
  }

  @Test
  void aBadValueAlreadyInThePoolBlocksOtherChangesUntilItIsRight() {
    PoolParameters p = params("");
    Map<String, String> pool = Map.of("tandem.XAPI_COUNT", "lots");
    PoolConfig.Check other = p.check(pool, "OP_MODE", "1");
    assertFalse(other.ok());
    assertTrue(other.problem().contains("XAPI_COUNT") && other.problem().contains("set that one right first"),
        other.problem());
    assertTrue(p.check(pool, "XAPI_COUNT", "4").ok(), "setting the bad one right is allowed");
    PoolConfig.Check mailOn = p.check(Map.of(), "MAIL_ON", "1");
    assertTrue(mailOn.ok());
    assertTrue(String.join("\n", mailOn.warnings()).contains("MAIL_TO is empty"), mailOn.warnings().toString());
  }

  @Test
  void backupFilesAndHaLizardsOverrideFileAreRead(@TempDir Path tmp) throws Exception {
    Path backup = tmp.resolve("backup");
    Files.writeString(backup, "# a comment\n\nXAPI_COUNT=5\nmail_subject=HA alert\n");
    assertEquals(Map.of("XAPI_COUNT", "5", "MAIL_SUBJECT", "HA alert"), ConfigCommand.readAssignments(backup, false));
    Files.writeString(backup, "XAPI_COUNT=5\nnonsense\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigCommand.readAssignments(backup, false));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    Path conf = tmp.resolve("ha-lizard.conf");
    Files.writeString(conf, "#FENCE_METHOD=ILO\nFENCE_METHOD=\"XVM\"\nexport MAIL_TO='ops@example.org'\nif [ -x x ]; then\n");
    assertEquals(Map.of("FENCE_METHOD", "XVM", "MAIL_TO", "ops@example.org"), ConfigCommand.readAssignments(conf, true));
  }
}
