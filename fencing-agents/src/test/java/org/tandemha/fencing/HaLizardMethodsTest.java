package org.tandemha.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * Issue #7 item 3: HA-Lizard's ILO, IRMC and XVM method names on the ClusterLabs agents, from the same .hosts files;
 * ILO proven end to end with the real {@code fence_ipmilan} against {@code ipmi_sim}.
 */
class HaLizardMethodsTest {
  static final String XS1 = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a01";
  static final String XS2 = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a02";
  static final String VM1 = "7d0c6a4e-1111-4e8f-a1c3-00000000b001";

  @TempDir
  Path loc;

  HaLizardMethods.Settings settings(String method, String hosts, String ip, Map<String, String> options)
      throws Exception {
    Files.createDirectories(loc.resolve(method));
    if (hosts != null) Files.writeString(HaLizardMethods.hostsFile(loc, method), hosts);
    return new HaLizardMethods.Settings(loc, method, Optional.empty(), Optional.of("secret"), ip, options);
  }

  static Stream<Arguments> mappings() {
    return Stream.of(
        Arguments.of("ILO", XS1 + ":10.0.0.5\n", "", Map.of(),
            "fence_ipmilan", Map.of("ip", "10.0.0.5", "username", "root", "lanplus", "1", "password", "secret")),
        Arguments.of("ILO", XS1 + ":127.0.0.1:6230\n", "", Map.of("cipher", "3"),
            "fence_ipmilan", Map.of("ip", "127.0.0.1", "ipport", "6230", "username", "root", "lanplus", "1",
                "password", "secret", "cipher", "3")),
        Arguments.of("ILO", XS1 + ":[fe80::1]:623\n", "", Map.of(),
            "fence_ipmilan", Map.of("ip", "fe80::1", "ipport", "623", "username", "root", "lanplus", "1", "password", "secret")),
        Arguments.of("ILO", XS1 + ":fd00::5\n", "", Map.of(),
            "fence_ipmilan", Map.of("ip", "fd00::5", "username", "root", "lanplus", "1", "password", "secret")),
        Arguments.of("IRMC", "# iRMC of each host\n" + XS1 + ":10.0.1.5\n", "", Map.of(),
            "fence_ipmilan", Map.of("ip", "10.0.1.5", "username", "admin", "lanplus", "1", "password", "secret")),
        Arguments.of("XVM", XS1 + ":" + VM1.toUpperCase() + "\n", "192.168.1.10", Map.of(),
            "fence_xenapi", Map.of("session_url", "https://192.168.1.10", "login", "root", "plug", VM1,
                "password", "secret")),
        Arguments.of("XVM", XS1 + ":" + VM1 + "\n", "http://127.0.0.1:8080", Map.of("agent", "/opt/fence_other"),
            "/opt/fence_other", Map.of("session_url", "http://127.0.0.1:8080", "login", "root", "plug", VM1,
                "password", "secret")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mappings")
  void methodNamesMapOntoTheAgents(String method, String hosts, String ip, Map<String, String> options, String agent,
                                   Map<String, String> expected) throws Exception {
    var devices = HaLizardMethods.devices(settings(method, hosts, ip, options));
    assertEquals(List.of(new HostId(XS1)), List.copyOf(devices.keySet()));
    FenceAgentsPort.Device d = devices.get(new HostId(XS1)).get(0);
    assertEquals(agent, d.agent());
    assertEquals(expected, d.options());
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("ILO", null, "", "ILO.hosts is missing"),
        Arguments.of("ILO", "", "", "lists no host"),
        Arguments.of("ILO", XS1 + "10.0.0.5\n", "", "line 1: expected <host-uuid>:<value>"),
        Arguments.of("ILO", XS1 + ":10.0.0.5 10.0.0.6\n", "", "is not an address"),
        Arguments.of("ILO", XS1 + ":10.0.0.5:99999\n", "", "out of range"),
        Arguments.of("ILO", XS1 + ":[fe80::1\n", "", "is not an address"),
        Arguments.of("IRMC", XS1 + ":10.0.0.5\n" + XS1.toUpperCase() + ":10.0.0.6\n", "", "listed twice"),
        Arguments.of("XVM", XS1 + ":" + VM1 + "\n", "", "needs FENCE_IPADDRESS"),
        Arguments.of("XVM", XS1 + ":vm-name\n", "10.0.0.1", "\"vm-name\" is not a VM UUID"));
  }

  @ParameterizedTest(name = "{0}: {3}")
  @MethodSource("refusals")
  void badHostsFilesAreRefusedNamingTheProblem(String method, String hosts, String ip, String message)
      throws Exception {
    HaLizardMethods.Settings s = settings(method, hosts, ip, Map.of());
    HostsFile.Invalid e = assertThrows(HostsFile.Invalid.class, () -> HaLizardMethods.devices(s));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void iloThroughItsHostsFilePowersTheRightBmcOff() throws Exception {
    try (IpmiSim bmc1 = IpmiSim.start(loc.resolve("bmc1")); IpmiSim bmc2 = IpmiSim.start(loc.resolve("bmc2"))) {
      Files.createDirectories(loc.resolve("ILO"));
      Files.writeString(HaLizardMethods.hostsFile(loc, "ILO"),
          XS1 + ":127.0.0.1:" + bmc1.port + "\n" + XS2 + ":127.0.0.1:" + bmc2.port + "\n");
      var devices = HaLizardMethods.devices(new HaLizardMethods.Settings(loc, "ILO", Optional.of(IpmiSim.USER),
          Optional.of(IpmiSim.PASSWORD), "", Map.of("cipher", "3")));
      FenceAgentsPort port = new FenceAgentsPort(devices, Duration.ofSeconds(30));
      assertEquals(PowerState.OFF, port.powerOff(new HostId(XS2)));
      assertFalse(bmc2.poweredOn(), "XS2's BMC cut the power");
      assertTrue(bmc1.poweredOn(), "XS1's BMC was not touched");
      assertEquals(PowerState.ON, port.status(new HostId(XS1)));
    }
  }
}
