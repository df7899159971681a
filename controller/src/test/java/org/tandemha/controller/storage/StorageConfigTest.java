package org.tandemha.controller.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.controller.NodeConfig;

/** Issue #8: tandem.storage, iSCSI-HA's settings; every mistake named, nothing started. */
class StorageConfigTest {
  static final String OK = """
      resources = "iscsi1:iscsi2"
      drbd-version = 9
      floating-ip = "10.77.0.100"
      mask = "255.255.255.0"
      interface = eth1
      target.targets = [ { tid = 1, iqn = "iqn.2026-11.org.example:iscsi1",
        luns = [ { lun = 1, device = "/dev/drbd0", scsi-id = "tnd-lun1", scsi-sn = "TND1" } ] } ]
      """;

  static com.typesafe.config.Config conf(String storage) {
    return ConfigFactory.parseString("tandem.storage { " + storage + " }")
        .withFallback(ConfigFactory.parseResources("application.conf")).resolve();
  }

  @Test
  void noResourcesIsNoStorage() {
    assertTrue(StorageConfig.read(conf("")).isEmpty());
  }

  @Test
  void aFullDefinitionLoads() {
    var r = StorageConfig.read(conf(OK)).orElseThrow();
    assertEquals("10.77.0.100", r.floatingIp());
    assertTrue(r.port().describe().contains("iscsi1:iscsi2"), r.port().describe());
    assertTrue(r.port().describe().contains("10.77.0.100/24 on eth1"), r.port().describe());
    assertEquals(java.util.Set.of(), r.peers(), "every other pool host");
    var p = StorageConfig.read(conf(OK + "\npeers = [\"3F9A2C1E-5B7D-4E8F-A1C3-000000000A02\"]")).orElseThrow();
    assertEquals(java.util.Set.of(new org.tandemha.protocol.HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a02")), p.peers());
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("resources = \"iscsi1:iscsi1\"", "lists a resource twice"),
        Arguments.of("resources = \"iscsi1;reboot\"", "is not a DRBD resource name"),
        Arguments.of("resources = \"--force\"", "is not a DRBD resource name"),
        Arguments.of("target.targets = [ { tid = 1, iqn = \"iqn.x:a\", luns = [ { lun = 1, device = \"/dev/drbd0\", scsi-id = \"a,online=0\", scsi-sn = \"S\" } ] } ]", "no commas or spaces"),
        Arguments.of("drbd-version = 8", "must be auto, 9 or 8.4"),
        Arguments.of("floating-ip = \"10.77.0\"", "not an IPv4 address"),
        Arguments.of("mask = \"255.0.255.0\"", "not a contiguous netmask"),
        Arguments.of("mask = \"a lot\"", "neither bits"),
        Arguments.of("interface = \"\"", "not an interface name"),
        Arguments.of("target.mode = maybe", "must be direct or service"),
        Arguments.of("target.targets = []", "nothing to export"),
        Arguments.of("drbd-config = \"/nonexistent/drbd.conf\"", "is not a file"),
        Arguments.of("peers = [\"xs2\"]", "is not a host UUID"),
        Arguments.of("peers = [\"3f9a2c1e-5b7d-4e8f-a1c3-000000000a02\", \"3f9a2c1e-5b7d-4e8f-a1c3-000000000a02\"]", "twice"),
        Arguments.of("target.pid-file = \"tgtd.pid\"", "must be an absolute path"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("mistakes")
  void mistakesAreNamed(String override, String message) {
    NodeConfig.Invalid e = assertThrows(NodeConfig.Invalid.class, () -> StorageConfig.read(conf(OK + "\n" + override)));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
