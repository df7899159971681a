package org.tandemha.fencing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.tandemha.fencing.lab.LabBmc;

/** The tests' BMC: a {@link LabBmc} whose chassis power lives in a file (realpeers.md §3's chassis.sh). */
final class IpmiSim implements AutoCloseable {
  static final String USER = "tandem";
  static final String PASSWORD = "Pw-9f3k2-ipmi";

  final int port;
  private final Path dir;
  private final LabBmc bmc;

  private IpmiSim(Path dir, LabBmc bmc) {
    this.dir = dir;
    this.bmc = bmc;
    this.port = bmc.port;
  }

  static IpmiSim start(Path dir) throws Exception {
    if (!LabBmc.available()) fail("ipmi_sim not found: install the Debian package openipmi (.ci/run does)");
    if (!Files.isExecutable(Path.of("/usr/sbin/fence_ipmilan"))) {
      fail("fence_ipmilan not found: install the Debian package fence-agents (.ci/run does)");
    }
    Files.createDirectories(dir);
    Path chassis = dir.resolve("chassis.sh");
    Files.writeString(chassis, """
        #!/bin/sh
        # chassis_control for ipmi_sim: "<mc> get power" prints power:0|1; "<mc> set power 0|1" stores it.
        S=%s; [ -f $S ] || echo 1 > $S
        mc=$1; shift; op=$1; shift
        case $op in
          get) for p in "$@"; do case $p in power) echo "power:$(cat $S)";; boot) echo "boot:default";;
                 *) echo "Invalid parameter: $p"; exit 1;; esac; done;;
          set) while [ -n "$1" ]; do p=$1; v=$2; shift 2; case $p in power) echo $v > $S;; reset|boot) :;;
                 *) echo "Invalid parameter: $p"; exit 1;; esac; done;;
          *) echo "Unknown operation: $op"; exit 1;;
        esac
        exit 0
        """.formatted(dir.resolve("power")));
    Files.setPosixFilePermissions(chassis, PosixFilePermissions.fromString("rwx------"));
    return new IpmiSim(dir, LabBmc.start(dir, USER, PASSWORD, chassis.toString()));
  }

  /** The chassis power as the BMC keeps it: true = on. */
  boolean poweredOn() throws IOException {
    Path s = dir.resolve("power");
    return !Files.exists(s) || Files.readString(s).trim().equals("1");
  }

  FenceAgentsPort.Device device(String password) {
    return new FenceAgentsPort.Device("fence_ipmilan", java.util.Map.of("ip", "127.0.0.1", "ipport",
        String.valueOf(port), "username", USER, "password", password, "lanplus", "1", "cipher", "3"));
  }

  static int freeUdpPort() throws IOException {
    return LabBmc.freeUdpPort();
  }

  @Override public void close() throws Exception {
    bmc.close();
  }
}
