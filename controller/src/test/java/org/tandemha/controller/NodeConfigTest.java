package org.tandemha.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeConfigTest {
  static final String GOOD = "tandem.node { host-uuid = \"3f9a2c1e-5b7d-4e8f-a1c3-000000000a01\", host-address = \"10.0.0.11\" }\n";

  @Test
  void readsDefaultsAndOverrides() {
    NodeConfig c = NodeConfig.from(ConfigFactory.parseString(GOOD
        + "tandem.ha { fence-heuristics-ips = \"10.0.0.1:10.0.0.254\", xapi-count = 5 }\n"
        + "tandem.journal.dir = \"/srv/journal\""));
    assertEquals("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01", c.settings().self().uuid());
    assertEquals(List.of("10.0.0.1", "10.0.0.254"), c.settings().ha().heuristicsIps());
    assertEquals(5, c.settings().ha().xapiCount());
    assertEquals(Duration.ofMillis(500), c.settings().ha().xapiDelay());
    assertEquals("https", c.xapi().scheme());
    assertEquals(443, c.xapi().port());
    assertEquals(new org.tandemha.protocol.FenceSettings(true, 2, true, "stop", false, Duration.ofSeconds(5)),
        c.settings().fencing());
    assertEquals(4, c.settings().restartConcurrency());
    // the override reaches the journal plugin through its substitution
    assertEquals("/srv/journal", c.raw().getString("tandem.journal.plugin.dir"));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("", "tandem.node.host-uuid is not set"),
        Arguments.of("tandem.node.host-uuid = \"x\"", "tandem.node.host-address is not set"),
        Arguments.of(GOOD + "tandem.ha.global-vm-ha = 2", "global-vm-ha must be 0 or 1"),
        Arguments.of(GOOD + "tandem.ha.xapi-count = 0", "xapi-count must be 1..100"),
        Arguments.of(GOOD + "tandem.ha.xapi-delay = soon", "xapi-delay"),
        Arguments.of(GOOD + "tandem.xapi.scheme = ftp", "scheme must be http or https"),
        Arguments.of(GOOD + "tandem.xapi.port = 70000", "port must be 1..65535"),
        Arguments.of(GOOD + "tandem.ha.fence-timeout = 0s", "fence-timeout must be a positive duration"),
        Arguments.of(GOOD + "tandem.ha.fence-enabled = yes", "tandem.ha.fence-enabled must be 0 or 1"),
        Arguments.of(GOOD + "tandem.ha.fence-min-hosts = 0", "fence-min-hosts must be 1..64"),
        Arguments.of(GOOD + "tandem.ha.fence-action = reset", "fence-action must be stop"),
        Arguments.of(GOOD + "tandem.ha.fence-quorum-required = 2", "fence-quorum-required must be 0 or 1"),
        Arguments.of(GOOD + "tandem.ha.fence-reboot-lone-host = true", "fence-reboot-lone-host must be 0 or 1"),
        Arguments.of(GOOD + "tandem.ha.mgt-link-loss-tolerance = 0s", "mgt-link-loss-tolerance must be a positive duration"),
        Arguments.of(GOOD + "tandem.ha.restart-concurrency = 0", "restart-concurrency must be 1..64"),
        Arguments.of(GOOD + "tandem.ha.op-mode = 3", "op-mode must be 1 (vApps) or 2 (VMs)"),
        Arguments.of(GOOD + "tandem.journal.segment-size = 1 KiB", "segment-size must be at least 4 KiB"),
        Arguments.of(GOOD + "tandem.journal.retention-size = 1 MiB", "retention-size must be at least segment-size"),
        Arguments.of(GOOD + "tandem.journal.retention-age = 0s", "retention-age must be a positive duration"),
        Arguments.of(GOOD + "tandem.ha.disabled-vapps = \"shop\"", "disabled-vapps: \"shop\" is not a vApp UUID"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void refusesBadConfigurationNamingTheKey(String text, String message) {
    NodeConfig.Invalid e = assertThrows(NodeConfig.Invalid.class, () -> NodeConfig.from(ConfigFactory.parseString(text)));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void theXapiPasswordComesOnlyFromAPrivateFile(@TempDir Path dir) throws Exception {
    NodeConfig.Invalid inline = assertThrows(NodeConfig.Invalid.class,
        () -> NodeConfig.from(ConfigFactory.parseString(GOOD + "tandem.xapi.password = \"s3cret\"")));
    assertTrue(inline.getMessage().contains("tandem.xapi.password: no passwords in the configuration"), inline.getMessage());
    assertTrue(!inline.getMessage().contains("s3cret"), "the refusal never repeats the password");
    Path file = dir.resolve("xapi.pass");
    Files.writeString(file, "s3cret\n");
    String named = GOOD + "tandem.xapi.password-file = \"" + file + "\"";
    for (String mode : java.util.List.of("rw-r--r--", "rw----r--", "rw-r-----")) {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
      NodeConfig.Invalid open = assertThrows(NodeConfig.Invalid.class, () -> NodeConfig.from(ConfigFactory.parseString(named)));
      assertTrue(open.getMessage().contains("tandem.xapi.password-file: " + file + " is readable by others (" + mode
          + "); chmod 600 it"), open.getMessage());
    }
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertEquals("s3cret", NodeConfig.from(ConfigFactory.parseString(named)).xapi().password());
    assertTrue(!NodeConfig.from(ConfigFactory.parseString(named)).xapi().toString().contains("s3cret"));
    NodeConfig.Invalid missing = assertThrows(NodeConfig.Invalid.class, () -> NodeConfig.from(ConfigFactory.parseString(
        GOOD + "tandem.xapi.password-file = \"" + dir.resolve("nope") + "\"")));
    assertTrue(missing.getMessage().contains("nope does not exist"), missing.getMessage());
  }

  @Test
  void missingOrBrokenFileIsAClearError(@TempDir Path dir) throws Exception {
    assertThrows(NodeConfig.Invalid.class, () -> NodeConfig.load(dir.resolve("nope.conf").toFile()));
    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "tandem { node { ");
    NodeConfig.Invalid e = assertThrows(NodeConfig.Invalid.class, () -> NodeConfig.load(broken.toFile()));
    assertTrue(e.getMessage().contains("broken.conf"), e.getMessage());
  }

  @Test
  void witnessNeedsSeedNodesButNoHost(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("witness.conf");
    Files.writeString(empty, "akka.remote.artery.canonical.port = 25530\n");
    NodeConfig.Invalid e = assertThrows(NodeConfig.Invalid.class, () -> NodeConfig.loadRaw(empty.toFile()));
    assertTrue(e.getMessage().contains("seed-nodes"), e.getMessage());
    Path good = dir.resolve("witness-ok.conf");
    Files.writeString(good, "akka.cluster.seed-nodes = [\"akka://tandem@10.0.0.11:25520\"]\n");
    assertEquals(1, NodeConfig.loadRaw(good.toFile()).getStringList("akka.cluster.seed-nodes").size());
  }

  @Test
  void mainRejectsBadArgumentsWithUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(2, Main.run(new String[] {}, ps));
    assertEquals(2, Main.run(new String[] {"nodes"}, ps));
    assertEquals(2, Main.run(new String[] {"node", "--bogus"}, ps));
    assertEquals(2, Main.run(new String[] {"witness", "--config"}, ps));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: tandem node"));
  }

  @Test
  void aNodeWithoutAPowerFenceRefusesToRunAndABadFenceIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
    java.nio.file.Path conf = tmp.resolve("tandem.conf");
    Files.writeString(conf, GOOD);
    assertEquals(3, Main.run(new String[] {"node", "--config", conf.toString()}, ps));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("refusing to run without a fence"), err.toString());
    Files.writeString(conf, GOOD + "tandem.fence.hosts { \"3f9a2c1e-5b7d-4e8f-a1c3-000000000a01\" = "
        + "[ { agent = \"fence_nosuchagent\" } ] }\n");
    assertEquals(2, Main.run(new String[] {"node", "--config", conf.toString()}, ps));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("fence_nosuchagent is not installed"), err.toString());
  }
}
