package org.tandemha.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.tandemha.fencing.lab.LabBmc;

/**
 * One simulated BMC per simulated host (OpenIPMI's {@code ipmi_sim}), whose chassis power is the simulator's own
 * power switch ({@code /hosts/<uuid>/power|power-off|power-on} on its control endpoint): the nodes then fence
 * through the real {@code fence_ipmilan} instead of {@link SimPowerFence}. The control endpoint's URL is read from
 * a file at each power call, so the BMCs can be set up before the pool exists; {@link #pointAt} writes it.
 */
public final class SimBmcs implements AutoCloseable {
  public static final String USER = "tandem";
  private static final String CHASSIS = """
      #!/usr/bin/python3
      # chassis_control for ipmi_sim: the simulated host's power, through the simulator's control endpoint.
      import sys, urllib.request
      url = open("%s").read().strip() + "/hosts/%s/"
      args = sys.argv[2:]
      if args[0] == "get":
          out = []
          for p in args[1:]:
              if p == "power":
                  s = urllib.request.urlopen(url + "power", timeout=5).read().decode().strip()
                  out.append("power:" + ("1" if s == "on" else "0"))
              elif p == "boot":
                  out.append("boot:default")
              else:
                  print("Invalid parameter: " + p); sys.exit(1)
          print("\\n".join(out))
      elif args[0] == "set":
          i = 1
          while i + 1 < len(args):
              p, v = args[i], args[i + 1]; i += 2
              if p == "power":
                  req = urllib.request.Request(url + ("power-on" if v == "1" else "power-off"), method="POST")
                  urllib.request.urlopen(req, timeout=5).read()
              elif p not in ("reset", "boot", "identify"):
                  print("Invalid parameter: " + p); sys.exit(1)
      else:
          print("Unknown operation: " + args[0]); sys.exit(1)
      """;

  private final Path dir;
  private final List<LabBmc> bmcs = new ArrayList<>();
  private final StringBuilder config = new StringBuilder();

  /** Starts a BMC for each host UUID, with its password in a 0600 file. */
  public SimBmcs(Path dir, List<String> hostUuids) throws IOException, InterruptedException {
    this.dir = dir;
    Files.createDirectories(dir);
    config.append("tandem.fence.agent-timeout = 10s\ntandem.fence.hosts {\n");
    for (String h : hostUuids) {
      Path d = dir.resolve(h);
      Files.createDirectories(d);
      Path chassis = d.resolve("chassis.py");
      Files.writeString(chassis, CHASSIS.formatted(dir.resolve("control-url"), h));
      Files.setPosixFilePermissions(chassis, PosixFilePermissions.fromString("rwx------"));
      String password = "pw-" + h.substring(0, 8);
      Path secret = d.resolve("password");
      Files.writeString(secret, password + "\n");
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
      LabBmc bmc = LabBmc.start(d, USER, password, chassis.toString());
      bmcs.add(bmc);
      config.append("  \"").append(h).append("\" = [ { agent = \"fence_ipmilan\", options { ip = \"127.0.0.1\", ipport = ")
          .append(bmc.port).append(", username = \"").append(USER).append("\", lanplus = 1, cipher = 3 }, password-file = \"")
          .append(secret).append("\" } ]\n");
    }
    config.append("}\n");
  }

  /** The nodes' {@code tandem.fence} configuration for these BMCs. */
  public String nodeConfig() {
    return config.toString();
  }

  /** Where the chassis scripts find the simulator's control endpoint. */
  public void pointAt(int controlPort) throws IOException {
    Files.writeString(dir.resolve("control-url"), "http://127.0.0.1:" + controlPort + "\n");
  }

  @Override public void close() throws InterruptedException {
    for (LabBmc b : bmcs) b.close();
  }
}
