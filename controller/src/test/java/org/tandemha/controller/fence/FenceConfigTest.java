package org.tandemha.controller.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.controller.NodeConfig;
import org.tandemha.fencing.FenceAgentsPort;
import org.tandemha.protocol.HostId;

/** Issue #7: the fence devices per host from the configuration; every mistake named, passwords only in 0600 files. */
class FenceConfigTest {
  static final String XS1 = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a01";

  @TempDir
  static Path tmp;
  static Path agent;
  static Path secret;
  static Path openSecret;

  @BeforeEach
  void files() throws Exception {
    agent = tmp.resolve("fence_test");
    Files.writeString(agent, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
    secret = tmp.resolve("ipmi-secret");
    Files.writeString(secret, "s3cret\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    openSecret = tmp.resolve("open-secret");
    Files.writeString(openSecret, "s3cret\n");
    Files.setPosixFilePermissions(openSecret, PosixFilePermissions.fromString("rw-r--r--"));
  }

  static FenceConfig.Devices read(String hosts) {
    return FenceConfig.read(ConfigFactory.parseString("tandem.fence { agent-timeout = 15s\nhosts { " + hosts + " } }"));
  }

  @Test
  void levelsInOrderWithThePasswordFromItsFile() {
    FenceConfig.Devices d = read("\"" + XS1 + "\" = [ { agent = \"" + agent + "\", options { ip = \"10.77.0.5\", lanplus = 1 }, "
        + "password-file = \"" + secret + "\" }, { agent = \"" + agent + "\", options { ip = \"10.77.0.9\", plug = 3 } } ]");
    List<FenceAgentsPort.Device> levels = d.levels().get(new HostId(XS1));
    assertEquals(2, levels.size());
    assertEquals("10.77.0.5", levels.get(0).options().get("ip"));
    assertEquals("1", levels.get(0).options().get("lanplus"));
    assertEquals("s3cret", levels.get(0).options().get("password"));
    assertEquals("3", levels.get(1).options().get("plug"));
    assertFalse(d.port().device().contains("s3cret"), d.port().device());
  }

  @Test
  void noDevicesIsNone() {
    assertTrue(read("").none());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("\"xs1\" = [ { agent = \"fence_ipmilan\" } ]", "not a host UUID"),
        Arguments.of("\"" + XS1 + "\" = { agent = \"fence_ipmilan\" }", "must be a list of fence devices"),
        Arguments.of("\"" + XS1 + "\" = []", "lists no fence device"),
        Arguments.of("\"" + XS1 + "\" = [ { options { ip = \"1.2.3.4\" } } ]", ".agent is missing"),
        Arguments.of("\"" + XS1 + "\" = [ { agent = \"fence_nosuchagent\" } ]", "is not installed"),
        Arguments.of("\"" + XS1 + "\" = [ { agent = \"AGENT\", options { action = \"reboot\" } } ]", "the action is Tandem's"),
        Arguments.of("\"" + XS1 + "\" = [ { agent = \"AGENT\", options { password = \"x\" } } ]", "no passwords in the configuration"),
        Arguments.of("\"" + XS1 + "\" = [ { agent = \"AGENT\", password-file = \"OPEN\" } ]", "is readable by others"),
        Arguments.of("\"" + XS1 + "\" = [ { agent = \"AGENT\", password-file = \"/nonexistent/secret\" } ]", "/nonexistent/secret does not exist"),
        Arguments.of("\"" + XS1 + "\" = [ { agent = \"AGENT\", options { ip = [1, 2] } } ]", "must be a single value"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void mistakesAreNamed(String hosts, String message) {
    NodeConfig.Invalid e = assertThrows(NodeConfig.Invalid.class,
        () -> read(hosts.replace("AGENT", agent.toString()).replace("OPEN", openSecret.toString())));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), "never the secret: " + e.getMessage());
  }

  @Test
  void aNonPositiveAgentTimeoutIsRefused() {
    assertThrows(NodeConfig.Invalid.class,
        () -> FenceConfig.read(ConfigFactory.parseString("tandem.fence { agent-timeout = 0s, hosts {} }")));
  }

  static FenceConfig.Devices method(String method, String extra) {
    return FenceConfig.read(ConfigFactory.parseString("tandem.fence { agent-timeout = 15s\nhosts {}\nmethod = \""
        + method + "\"\nfile-loc = \"" + tmp.resolve("fence") + "\"\n" + extra + " }"));
  }

  static void file(String relative, String text, String mode) throws Exception {
    Path f = tmp.resolve("fence").resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
  }

  @Test
  void haLizardMethodsLoad() throws Exception {
    file("ILO/ILO.hosts", XS1 + ":10.77.0.5\n", "rw-------");
    FenceConfig.Devices ilo = method("ILO", "password-file = \"" + secret + "\"\nmethod-options { cipher = 3 }");
    FenceAgentsPort.Device d = ilo.levels().get(new HostId(XS1)).get(0);
    assertEquals("fence_ipmilan", d.agent());
    assertEquals("s3cret", d.options().get("password"));
    assertEquals("3", d.options().get("cipher"));
    assertTrue(ilo.port().powersOff(new HostId(XS1)));

    file("MYPDU/MYPDU.sh", "#!/bin/sh\nexit 0\n", "rwx------");
    FenceConfig.Devices script = method("MYPDU", "");
    assertTrue(script.levels().isEmpty());
    assertTrue(script.port().powersOff(new HostId(XS1)));
    assertTrue(script.port().device().contains("MYPDU.sh"), script.port().device());

    FenceConfig.Devices pool = method("POOL", "");
    assertFalse(pool.none());
    assertTrue(pool.poolOnly());
    assertFalse(pool.port().powersOff(new HostId(XS1)), "POOL is not a fence");
  }

  static Stream<Arguments> invalidMethods() {
    return Stream.of(
        Arguments.of("DRAC", "", "was never supported by HA-Lizard"),
        Arguments.of("IRMC", "", "IRMC.hosts is missing"),
        Arguments.of("NOSCRIPT", "", "no executable agent"),
        Arguments.of("../x", "", "is not a plain name"),
        Arguments.of("BADHOSTS", "", "BADHOSTS.hosts line 1"),
        Arguments.of("XVM", "", "needs FENCE_IPADDRESS"),
        Arguments.of("ILO", "password-file = \"OPEN\"", "is readable by others"),
        Arguments.of("ILO", "method-options { password = \"x\" }", "no passwords in the configuration"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("invalidMethods")
  void methodMistakesAreNamed(String method, String extra, String message) throws Exception {
    file("ILO/ILO.hosts", XS1 + ":10.77.0.5\n", "rw-------");
    file("XVM/XVM.hosts", XS1 + ":7d0c6a4e-1111-4e8f-a1c3-00000000b001\n", "rw-------");
    file("BADHOSTS/BADHOSTS.sh", "#!/bin/sh\nexit 0\n", "rwx------");
    file("BADHOSTS/BADHOSTS.hosts", "not a line\n", "rw-------");
    NodeConfig.Invalid e = assertThrows(NodeConfig.Invalid.class,
        () -> method(method, extra.replace("OPEN", openSecret.toString())));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), "never the secret: " + e.getMessage());
  }

  @Test
  void theWatchdogDeviceIsChecked() throws Exception {
    assertTrue(FenceConfig.watchdog(ConfigFactory.parseString("tandem.watchdog { device = \"\", timeout = 60s }")).isEmpty());
    Path dev = tmp.resolve("watchdog");
    Files.writeString(dev, "");
    var w = FenceConfig.watchdog(ConfigFactory.parseString("tandem.watchdog { device = \"" + dev + "\", timeout = 30s, "
        + "trust-timeout = on }"));
    assertEquals(java.time.Duration.ofSeconds(30), w.orElseThrow().timeout());
    NodeConfig.Invalid missing = assertThrows(NodeConfig.Invalid.class, () -> FenceConfig.watchdog(
        ConfigFactory.parseString("tandem.watchdog { device = \"/nonexistent/watchdog\", timeout = 30s }")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    NodeConfig.Invalid tooShort = assertThrows(NodeConfig.Invalid.class, () -> FenceConfig.watchdog(
        ConfigFactory.parseString("tandem.watchdog { device = \"" + dev + "\", timeout = 2s }")));
    assertTrue(tooShort.getMessage().contains("at least 5s"), tooShort.getMessage());
  }
}
