package org.tandemha.controller.fence;

import java.io.File;
import java.io.PrintStream;
import java.util.List;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.controller.NodeConfig;
import org.tandemha.fencing.FenceAgentsPort;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * {@code tandem fence test HOST [--config FILE]} (issue #7 item 7): asks every configured fence level of the host
 * for its power status, through the same agents and options a fence would use, and says what a fence would do —
 * without powering anything off. Exit 0 when the first level answers, 1 when no level does, 2 on bad input.
 */
public final class FenceTestCommand {
  private FenceTestCommand() {}

  public static final String USAGE = """
      usage: tandem fence test HOST-UUID [--config FILE]
        asks each fence level configured for HOST (tandem.fence.hosts) for the power status, as a fence would,
        and powers nothing off""";

  /** A host fenced by the HA-Lizard method: a user's script (no status action to ask) or POOL (not a fence). */
  private static int haLizardMethod(org.tandemha.actors.port.FencePort port, HostId target, PrintStream out) {
    if (!port.powersOff(target)) {
      out.printf("level 1  %-40s NOT A FENCE: powers nothing off%n", port.device());
      out.println("a fence of " + target.uuid() + " would not power it off: it is taken over only once its self-fence "
          + "watchdog's deadline has passed (when it arms one, tandem.watchdog) with a witness majority on this side, "
          + "or once an operator declares it dead (tandem host declare-dead)");
      return 1;
    }
    org.tandemha.fencing.HaLizardScriptPort script = (org.tandemha.fencing.HaLizardScriptPort) port;
    String mapping;
    try {
      mapping = script.deviceFor(target).map(v -> script.hostsFile().getFileName() + " maps it to " + v)
          .orElse("no " + script.hostsFile().getFileName() + " file");
    } catch (org.tandemha.fencing.HostsFile.Invalid e) {
      out.printf("level 1  %-40s NOT READY: %s%n", port.device(), e.getMessage());
      out.println("a fence of " + target.uuid() + " would FAIL now: the script would not be run");
      return 1;
    }
    out.printf("level 1  %-40s ready: script executable, %s%n", port.device(), mapping);
    out.println("a fence of " + target.uuid() + " would run the script with \"stop\" and trust its exit 0; the "
        + "HA-Lizard script contract has no status action, so the power was not read; nothing was powered off");
    return 0;
  }

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help")) {
      (args.isEmpty() ? err : out).println(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    if (!args.get(0).equals("test") || args.size() < 2) {
      err.println("tandem fence: unknown or incomplete command " + String.join(" ", args));
      err.println(USAGE);
      return 2;
    }
    String host = args.get(1);
    File config = null;
    for (int i = 2; i < args.size(); i++) {
      if (args.get(i).equals("--config") && i + 1 < args.size()) {
        config = new File(args.get(++i));
      } else {
        err.println("tandem fence test: unexpected argument \"" + args.get(i) + "\"");
        err.println(USAGE);
        return 2;
      }
    }
    if (config == null && new File("/etc/tandem/tandem.conf").isFile()) config = new File("/etc/tandem/tandem.conf");
    FenceConfig.Devices devices;
    try {
      devices = FenceConfig.read(NodeConfig.loadLocal(config));
    } catch (NodeConfig.Invalid e) {
      err.println("tandem fence test: invalid configuration: " + e.getMessage());
      return 2;
    }
    HostId target = new HostId(host.toLowerCase(java.util.Locale.ROOT));
    List<FenceAgentsPort.Device> levels = devices.levels().get(target);
    if (levels == null && devices.otherHosts().isPresent()) return haLizardMethod(devices.otherHosts().get(), target, out);
    if (levels == null) {
      err.println("tandem fence test: no fence device is configured for host " + host
          + " (tandem.fence.hosts, or tandem.fence.method)");
      return 2;
    }
    int firstAnswer = -1;
    for (int i = 0; i < levels.size(); i++) {
      FenceAgentsPort.Device d = levels.get(i);
      FenceAgentsPort one = new FenceAgentsPort(java.util.Map.of(target, List.of(d)), devices.agentTimeout());
      try {
        PowerState s = one.status(target);
        out.printf("level %d  %-40s power %s%n", i + 1, d.name(), s);
        if (firstAnswer < 0) firstAnswer = i;
      } catch (FenceDeviceError e) {
        out.printf("level %d  %-40s NO ANSWER: %s%n", i + 1, d.name(), e.getMessage());
      }
    }
    if (firstAnswer < 0) {
      out.println("a fence of " + host + " would FAIL now: no level answers; the host would not be taken over");
      return 1;
    }
    out.println("a fence of " + host + " would power it off through level " + (firstAnswer + 1) + " ("
        + levels.get(firstAnswer).name() + ") and read the power back; nothing was powered off");
    return 0;
  }
}
