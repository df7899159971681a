package org.tandemha.controller.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemha.actors.port.SelfFence;

/**
 * Self-fence by the kernel's magic SysRq: sync, then reboot at once, without a clean shutdown — the same
 * as HA-Lizard's self-fence, so VMs on this host die with it. Requires root and sysrq enabled in dom0.
 */
public final class SysrqSelfFence implements SelfFence {
  private static final Logger log = LoggerFactory.getLogger(SysrqSelfFence.class);
  private final Path trigger;
  private final java.util.Optional<Watchdog> watchdog;

  public SysrqSelfFence() { this(java.util.Optional.empty()); }

  /** @param watchdog the device this host arms (tandem.watchdog), if any */
  public SysrqSelfFence(java.util.Optional<Watchdog> watchdog) { this(Path.of("/proc/sysrq-trigger"), watchdog); }

  SysrqSelfFence(Path trigger) { this(trigger, java.util.Optional.empty()); }

  SysrqSelfFence(Path trigger, java.util.Optional<Watchdog> watchdog) {
    this.trigger = trigger;
    this.watchdog = watchdog;
  }

  @Override public java.util.Optional<Watchdog> watchdog() { return watchdog; }

  @Override public String method() { return "sysrq reboot (" + trigger + ")"; }

  @Override public void fire(String reason) {
    log.error("self-fence: rebooting this host NOW via sysrq: {}", reason);
    try {
      Files.writeString(trigger, "s", StandardCharsets.US_ASCII);   // sync, so the journal's last record is on disk
      Files.writeString(trigger, "b", StandardCharsets.US_ASCII);   // immediate reboot
    } catch (IOException e) {
      log.error("self-fence FAILED, this host keeps running: cannot write {}: {}", trigger, e.toString());
    }
  }
}
