package org.tandemha.fencing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A simulated BMC: OpenIPMI's {@code ipmi_sim} on a UDP port of 127.0.0.1, user {@code u} / password {@code p},
 * whose chassis power lives in a file (its {@code chassis_control} program), as in shared/reference/realpeers.md §3.
 * Real fence agents talk IPMI-over-LAN to it exactly as to a server's BMC.
 */
final class IpmiSim implements AutoCloseable {
  static final String USER = "tandem";
  static final String PASSWORD = "Pw-9f3k2-ipmi";

  final int port;
  private final Path dir;
  private final Process process;

  private IpmiSim(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  static IpmiSim start(Path dir) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/ipmi_sim"))) {
      fail("ipmi_sim not found: install the Debian package openipmi (ops/.ci/run does)");
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/fence_ipmilan"))) {
      fail("fence_ipmilan not found: install the Debian package fence-agents (.ci/run does)");
    }
    Files.createDirectories(dir.resolve("state"));
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
    int port = freeUdpPort();
    Files.writeString(dir.resolve("lan.conf"), """
        name "bmc-test"
        set_working_mc 0x20
          startlan 1
            addr 127.0.0.1 %d
            priv_limit admin
            allowed_auths_callback none md2 md5 straight
            allowed_auths_user none md2 md5 straight
            allowed_auths_operator none md2 md5 straight
            allowed_auths_admin none md2 md5 straight
            guid a123456789abcdefa123456789abcdef
          endlan
          chassis_control "%s 0x20"
          user 1   false   ""    "x"     user     10       none md2 md5 straight
          user 2   true    "%s"   "%s"     admin    10       none md2 md5 straight
        """.formatted(port, chassis, USER, PASSWORD));
    Files.writeString(dir.resolve("bmc.emu"), """
        mc_setbmc 0x20
        mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
        sel_enable 0x20 50 0x0a
        mc_enable 0x20
        """);
    Process p = new ProcessBuilder("/usr/bin/ipmi_sim", "-n", "-c", dir.resolve("lan.conf").toString(), "-f",
        dir.resolve("bmc.emu").toString(), "-s", dir.resolve("state").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("ipmi_sim.log").toFile()).start();
    Thread.sleep(300);
    if (!p.isAlive()) fail("ipmi_sim exited: " + Files.readString(dir.resolve("ipmi_sim.log")));
    return new IpmiSim(port, dir, p);
  }

  /** The chassis power as the BMC keeps it: true = on. */
  boolean poweredOn() throws IOException {
    Path s = dir.resolve("power");
    return !Files.exists(s) || Files.readString(s).trim().equals("1");
  }

  void setPower(boolean on) throws IOException {
    Files.writeString(dir.resolve("power"), on ? "1\n" : "0\n");
  }

  FenceAgentsPort.Device device(String password) {
    return new FenceAgentsPort.Device("fence_ipmilan", java.util.Map.of("ip", "127.0.0.1", "ipport",
        String.valueOf(port), "username", USER, "password", password, "lanplus", "1", "cipher", "3"));
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
