package org.tandemha.fencing.lab;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A simulated BMC for tests and the harness (shared/reference/realpeers.md §3): OpenIPMI's {@code ipmi_sim} on a
 * UDP port of 127.0.0.1, one admin user, cipher suite 3, whose chassis power is delegated to a
 * {@code chassis_control} command (called with {@code 0x20 get power} / {@code 0x20 set power 0|1}). Real fence
 * agents talk IPMI-over-LAN to it exactly as to a server's BMC.
 */
public final class LabBmc implements AutoCloseable {
  public final int port;
  public final String user;
  private final Process process;

  private LabBmc(int port, String user, Process process) {
    this.port = port;
    this.user = user;
    this.process = process;
  }

  /** Whether {@code ipmi_sim} is installed (Debian package openipmi). */
  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/ipmi_sim"));
  }

  /**
   * Starts {@code ipmi_sim} with its files in {@code dir}.
   *
   * @param chassisControl the command ipmi_sim runs for power (arguments appended), e.g. a script path
   */
  public static LabBmc start(Path dir, String user, String password, String chassisControl) throws IOException,
      InterruptedException {
    Files.createDirectories(dir.resolve("state"));
    int port = freeUdpPort();
    Files.writeString(dir.resolve("lan.conf"), """
        name "bmc-lab"
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
        """.formatted(port, chassisControl, user, password));
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
    if (!p.isAlive()) throw new IOException("ipmi_sim exited: " + Files.readString(dir.resolve("ipmi_sim.log")));
    return new LabBmc(port, user, p);
  }

  public static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
