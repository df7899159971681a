package org.tandemha.fencing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tandemha.actors.port.BoundedRun;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.actors.port.FencePort;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * {@link FencePort} over the ClusterLabs fence-agents ({@code fence_ipmilan}, {@code fence_ilo*}, {@code fence_idrac},
 * {@code fence_redfish}, {@code fence_apc}, …) through their standard interface (issue #7 items 1 and 5): options
 * as {@code key=value} lines on stdin — never on the command line, so passwords do not show in {@code ps} —
 * actions {@code off} and {@code status}, exit codes as the FenceAgentAPI defines them ({@code off}: 0 = done;
 * {@code status}: 0 = on, 2 = off, anything else = failure). Every run is bounded; an agent still running at its
 * bound is killed and counts as failed.
 *
 * <p>Each host has an ordered list of devices, its fence levels (e.g. IPMI, then a switched PDU): {@code off} goes
 * to the first level, whose power is then read back; if it fails or does not read back off, the next level is
 * tried. {@code status} asks the levels in order until one answers.
 */
public final class FenceAgentsPort implements FencePort {
  /**
   * One device: the agent (a name on PATH or /usr/sbin, or a path) and its stdin options ({@code ip}, {@code
   * ipport}, {@code username}, {@code password}, {@code lanplus}, …). {@code action} is Tandem's to set.
   */
  public record Device(String agent, Map<String, String> options) {
    public Device {
      Objects.requireNonNull(agent, "agent");
      options = Map.copyOf(new LinkedHashMap<>(options));
      if (options.containsKey("action")) {
        throw new IllegalArgumentException(agent + ": the option \"action\" is set by Tandem, not in the configuration");
      }
      for (Map.Entry<String, String> e : options.entrySet()) {
        if (e.getKey().contains("=") || e.getKey().contains("\n") || e.getValue().contains("\n")) {
          throw new IllegalArgumentException(agent + ": option " + e.getKey() + " must not contain '=' in its name or "
              + "a newline");
        }
      }
    }

    /** How the device is named in logs and the journal: agent and address, never a password. */
    public String name() {
      String at = options.getOrDefault("ip", options.getOrDefault("ipaddr",
          options.getOrDefault("session_url", "").replaceFirst("^[a-z]+://", "")));
      String port = options.getOrDefault("ipport", "");
      return agent.substring(agent.lastIndexOf('/') + 1) + (at.isEmpty() ? "" : "@" + at + (port.isEmpty() ? "" : ":" + port));
    }
  }

  private final Map<HostId, List<Device>> levels;
  private final Duration timeout;

  /** @param timeout bound of each agent run (the FenceAgentActor bounds the whole fence on top) */
  public FenceAgentsPort(Map<HostId, List<Device>> levels, Duration timeout) {
    Map<HostId, List<Device>> copy = new LinkedHashMap<>();
    levels.forEach((h, l) -> {
      if (l.isEmpty()) throw new IllegalArgumentException("host " + h + ": no fence device configured");
      copy.put(h, List.copyOf(l));
    });
    this.levels = Map.copyOf(copy);
    this.timeout = timeout;
  }

  @Override public String device() {
    List<String> names = new ArrayList<>();
    levels.values().forEach(l -> l.forEach(d -> { if (!names.contains(d.name())) names.add(d.name()); }));
    return "fence-agents[" + String.join(", ", names) + "]";
  }

  /** The device(s) of one host, as shown in its fence's journal line. */
  public String deviceOf(HostId target) {
    return String.join(" then ", levelsOf(target).stream().map(Device::name).toList());
  }

  @Override public PowerState powerOff(HostId target) {
    List<String> failures = new ArrayList<>();
    for (Device d : levelsOf(target)) {
      BoundedRun.Result off = run(d, "off");
      if (off.exit() != 0) {
        failures.add(d.name() + ": off " + off.describe());
        continue;
      }
      BoundedRun.Result status = run(d, "status");
      if (status.exit() == 2) return PowerState.OFF;
      failures.add(d.name() + ": off returned 0 but status " + (status.exit() == 0 ? "reads ON" : status.describe()));
    }
    throw new FenceDeviceError("fence of " + target + " failed at every level: " + String.join("; ", failures));
  }

  @Override public PowerState status(HostId target) {
    List<String> failures = new ArrayList<>();
    for (Device d : levelsOf(target)) {
      BoundedRun.Result status = run(d, "status");
      if (status.exit() == 0) return PowerState.ON;
      if (status.exit() == 2) return PowerState.OFF;
      failures.add(d.name() + ": status " + status.describe());
    }
    throw new FenceDeviceError("power of " + target + " unknown: " + String.join("; ", failures));
  }

  private List<Device> levelsOf(HostId target) {
    List<Device> l = levels.get(target);
    if (l == null) throw new FenceDeviceError("no fence device is configured for host " + target);
    return l;
  }

  /**
   * The agents that run {@code ipmitool} and would put the password on its command line ({@code -P secret}, visible
   * in {@code ps} to every user of dom0): Tandem gives them no password but its own {@code ipmitool_path}, a wrapper
   * that drops {@code -P} and hands ipmitool the password through a 0600 file ({@code -f}).
   */
  static final java.util.Set<String> IPMITOOL_AGENTS = java.util.Set.of("fence_ipmilan", "fence_ipmilanplus",
      "fence_ilo3", "fence_ilo4", "fence_ilo5", "fence_idrac", "fence_imm");

  BoundedRun.Result run(Device d, String action) {
    String name = d.agent().substring(d.agent().lastIndexOf('/') + 1);
    Map<String, String> options = new LinkedHashMap<>(d.options());
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PYTHONWARNINGS", "ignore::DeprecationWarning");   // fence_* on Python 3.11+ warn on stderr
    Path secretDir = null;
    try {
      if (IPMITOOL_AGENTS.contains(name) && options.containsKey("password") && !options.containsKey("ipmitool_path")) {
        secretDir = java.nio.file.Files.createTempDirectory("tandem-fence-",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path secret = secretDir.resolve("password");
        java.nio.file.Files.writeString(secret, options.remove("password"));
        Path wrapper = secretDir.resolve("ipmitool");
        java.nio.file.Files.writeString(wrapper, IPMITOOL_WRAPPER.formatted(executable("ipmitool")));
        java.nio.file.Files.setPosixFilePermissions(wrapper,
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        options.put("ipmitool_path", wrapper.toString());
        env.put("TANDEM_IPMI_PASSWORD_FILE", secret.toString());
      }
      StringBuilder stdin = new StringBuilder();
      options.forEach((k, v) -> stdin.append(k).append('=').append(v).append('\n'));
      stdin.append("action=").append(action).append('\n');
      return BoundedRun.run(List.of(executable(d.agent())), env, stdin.toString(), timeout);
    } catch (IOException e) {
      return new BoundedRun.Result(-1, "cannot prepare " + d.agent() + ": " + e.getMessage());
    } finally {
      deleteQuietly(secretDir);
    }
  }

  /** ipmitool's arguments without {@code -P <password>}, the password read from the file instead. */
  private static final String IPMITOOL_WRAPPER = """
      #!/bin/bash
      # Tandem: ipmitool without the password on its command line (-P dropped; -f reads it from a 0600 file).
      args=(); skip=0
      for a in "$@"; do
        if ((skip)); then skip=0; continue; fi
        if [[ $a == -P ]]; then skip=1; continue; fi
        args+=("$a")
      done
      exec %s -f "$TANDEM_IPMI_PASSWORD_FILE" "${args[@]}"
      """;

  private static void deleteQuietly(Path dir) {
    if (dir == null) return;
    try (var files = java.nio.file.Files.list(dir)) {
      for (Path f : files.toList()) java.nio.file.Files.deleteIfExists(f);
      java.nio.file.Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temp dir left behind holds a 0700 directory only
    }
  }

  /**
   * A bare agent name is looked up in /usr/sbin (where the Debian and RPM packages put them), then on PATH; the
   * name itself comes back when it is found nowhere.
   */
  public static String executable(String agent) {
    if (agent.contains("/")) return agent;
    List<String> dirs = new ArrayList<>(List.of("/usr/sbin"));
    String path = System.getenv("PATH");
    if (path != null) dirs.addAll(List.of(path.split(":")));
    for (String d : dirs) {
      if (d.isBlank()) continue;
      Path p = Path.of(d, agent);
      if (java.nio.file.Files.isExecutable(p)) return p.toString();
    }
    return agent;
  }

}
