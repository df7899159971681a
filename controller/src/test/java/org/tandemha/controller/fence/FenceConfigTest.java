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
        Arguments.of("\"" + XS1 + "\" = [ { agent = \"AGENT\", password-file = \"/nonexistent/secret\" } ]", "is not a file"),
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
}
