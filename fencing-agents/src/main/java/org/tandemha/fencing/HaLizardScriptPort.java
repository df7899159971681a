package org.tandemha.fencing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tandemha.actors.port.BoundedRun;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.actors.port.FencePort;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * {@link FencePort} for users' existing HA-Lizard agents (issue #7 item 2, halizard-behaviour §5.1):
 * {@code <FENCE_FILE_LOC>/<METHOD>/<METHOD>.sh <host-uuid> stop}, run directly (never through a shell, so the
 * arguments reach the script unchanged), bounded, killed at its bound. By the contract exit 0 means "done, and for
 * {@code stop} the host verified off"; anything else, or no answer in time, is a failed fence. The scripts have no
 * status action: {@link #status} answers OFF only for a host this port has seen a successful {@code stop} of, and
 * otherwise says it cannot tell — never ON or OFF by guess.
 */
public final class HaLizardScriptPort implements FencePort {
  private final Path script;
  private final String method;
  private final Duration timeout;
  private final Map<String, String> env;
  private final Map<HostId, Boolean> stopped = new ConcurrentHashMap<>();

  /** @param fenceFileLoc FENCE_FILE_LOC (HA-Lizard's default {@code /etc/ha-lizard/fence}); @param method FENCE_METHOD */
  public HaLizardScriptPort(Path fenceFileLoc, String method, Duration timeout) {
    this(fenceFileLoc, method, timeout, Map.of());
  }

  /**
   * @param env given to the script, e.g. FENCE_IPADDRESS and FENCE_PASSWD, which HA-Lizard's agents read from the
   *            sourced configuration (the environment of a root process is readable by root alone)
   */
  public HaLizardScriptPort(Path fenceFileLoc, String method, Duration timeout, Map<String, String> env) {
    if (method.isBlank() || method.contains("/") || method.contains("..")) {
      throw new IllegalArgumentException("fence method \"" + method + "\" is not a plain name");
    }
    this.method = method;
    this.script = fenceFileLoc.resolve(method).resolve(method + ".sh");
    this.timeout = timeout;
    this.env = Map.copyOf(env);
  }

  @Override public String device() { return "ha-lizard:" + method + " (" + script + ")"; }

  /**
   * The method's {@code <METHOD>.hosts} file, read again at every fence (it may have been edited): the script would
   * look the host up with a substring grep and could pick another host's device, so a file that does not list this
   * exact UUID, or that cannot be read, fails the fence before the script runs. Scripts without a .hosts file (a
   * power strip at FENCE_IPADDRESS, say) are run as they are.
   */
  public Path hostsFile() { return HaLizardMethods.hostsFile(script.getParent().getParent(), method); }

  /** Checks the .hosts file now, for the configuration and {@code tandem fence test}. */
  public java.util.Optional<String> deviceFor(HostId target) throws HostsFile.Invalid {
    if (!Files.exists(hostsFile())) return java.util.Optional.empty();
    HostsFile hosts = HostsFile.read(hostsFile());
    return java.util.Optional.of(hosts.deviceFor(target.uuid()).orElseThrow(() ->
        new HostsFile.Invalid(hostsFile() + " does not list host " + target.uuid())));
  }

  @Override public String confirmation(HostId target) {
    return "the HA-Lizard agent exited 0 for stop (its contract: verified off; it has no status action)";
  }

  /** The script is there and executable. */
  public boolean installed() { return Files.isExecutable(script); }

  @Override public PowerState powerOff(HostId target) {
    if (!Files.isExecutable(script)) {
      throw new FenceDeviceError(device() + ": no executable agent at " + script);
    }
    try {
      deviceFor(target);
    } catch (HostsFile.Invalid e) {
      throw new FenceDeviceError(device() + " " + target + ": not run: " + e.getMessage());
    }
    stopped.remove(target);
    BoundedRun.Result r = BoundedRun.run(List.of(script.toString(), target.uuid(), "stop"), env, "", timeout);
    if (r.exit() != 0) throw new FenceDeviceError(device() + " " + target + " stop: " + r.describe());
    stopped.put(target, true);
    return PowerState.OFF;
  }

  @Override public PowerState status(HostId target) {
    if (Boolean.TRUE.equals(stopped.get(target))) return PowerState.OFF;   // the script verified it off (§5.1)
    throw new FenceDeviceError(device() + ": HA-Lizard agents have no status action; the power of " + target
        + " is known only right after a successful stop");
  }
}
