package org.tandemha.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.port.BoundedRun;

/**
 * Issue #8: the drbdadm commands Tandem issues, validated by the real {@code drbdadm} (drbd-utils) against a
 * generated resource configuration in dry-run mode ({@code -d}: it checks the configuration and the command and prints
 * the drbdsetup calls it would make) — for DRBD 9 and, through drbd-utils' 8.4 compatibility, DRBD 8.4.
 */
class DrbdDryRunTest {
  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of(Drbd.Version.V9, "drbd9.conf", "primary", "drbdsetup primary iscsi1"),
        Arguments.of(Drbd.Version.V9, "drbd9.conf", "secondary", "drbdsetup secondary iscsi1"),
        Arguments.of(Drbd.Version.V9, "drbd9.conf", "status", "drbdsetup status iscsi1"),
        Arguments.of(Drbd.Version.V9, "drbd9.conf", "connect", "drbdsetup connect iscsi1"),
        Arguments.of(Drbd.Version.V9, "drbd9.conf", "disconnect", "drbdsetup disconnect iscsi1"),
        Arguments.of(Drbd.Version.V9, "drbd9.conf", "connect --discard-my-data", "--discard-my-data"),
        Arguments.of(Drbd.Version.V84, "drbd84.conf", "connect --discard-my-data", "--discard-my-data"),
        Arguments.of(Drbd.Version.V84, "drbd84.conf", "primary", "drbdsetup-84 primary"),
        Arguments.of(Drbd.Version.V84, "drbd84.conf", "secondary", "drbdsetup-84 secondary"),
        Arguments.of(Drbd.Version.V84, "drbd84.conf", "role", "drbdsetup-84 role"),
        Arguments.of(Drbd.Version.V84, "drbd84.conf", "cstate", "drbdsetup-84 cstate"),
        Arguments.of(Drbd.Version.V84, "drbd84.conf", "dstate", "drbdsetup-84 dstate"));
  }

  static Path config(String name) throws Exception {
    Path p = Path.of(DrbdDryRunTest.class.getResource("/" + name).toURI());
    assertTrue(Files.isRegularFile(p));
    return p;
  }

  static Map<String, String> env(Drbd.Version v) {
    return v == Drbd.Version.V84 ? Map.of("__DRBD_NODE__", "hostA", "DRBD_DRIVER_VERSION_OVERRIDE", "8.4.11")
        : Map.of("__DRBD_NODE__", "hostA");
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("commands")
  void theRealDrbdadmAcceptsEveryCommandTandemIssues(Drbd.Version v, String conf, String action, String expected)
      throws Exception {
    if (!Files.isExecutable(Path.of("/usr/sbin/drbdadm"))) fail("needs drbdadm: install drbd-utils (.ci/run does)");
    Commands commands = new Commands(java.util.List.of(), env(v), Duration.ofSeconds(10));
    Drbd drbd = new Drbd(commands, "drbdadm", Optional.of(config(conf).toString()), v);
    BoundedRun.Result r = commands.run(drbd.command(java.util.List.of(action.split(" ")), "iscsi1", true));
    assertEquals(0, r.exit(), r.output() + r.errors());
    assertTrue(r.output().contains(expected), "drbdadm -d printed: " + r.output());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void drbdadmRefusesWhatIsNotInTheConfiguration(String name, String node, String resource) throws Exception {
    Commands commands = new Commands(java.util.List.of(), Map.of("__DRBD_NODE__", node), Duration.ofSeconds(10));
    Drbd drbd = new Drbd(commands, "drbdadm", Optional.of(config("drbd9.conf").toString()), Drbd.Version.V9);
    BoundedRun.Result r = commands.run(drbd.command("primary", resource, true));
    assertNotEquals(0, r.exit(), name);
    assertTrue(r.errors().contains("not defined in your config"), r.errors());
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("a host the configuration does not know", "hostC", "iscsi1"),
        Arguments.of("a resource the configuration does not define", "hostA", "nosuchres"));
  }
}
