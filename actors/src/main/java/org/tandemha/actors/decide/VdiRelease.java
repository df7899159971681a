package org.tandemha.actors.decide;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.tandemha.actors.port.XapiPort.VdiAttachment;
import org.tandemha.protocol.HostId;

/**
 * What to do when a VM's start failed because a disk is still attached elsewhere (issue #5 item 4,
 * halizard-behaviour §4.3's SR_BACKEND_FAILURE_46 reset): HA-Lizard force-resets every VDI of the VM, which can
 * hand a disk still written by a live host to a second one. Tandem clears only attachments held by a host the
 * fence confirmed off, or by a host the pool no longer knows; an attachment of a live, unfenced host is
 * reported and left, and the start is then not retried there.
 */
public final class VdiRelease {
  private VdiRelease() {}

  /**
   * @param release attachments to clear before the one retry
   * @param held    attachments of live, unfenced hosts: left alone, named in the report
   * @param retry   retry the start once on the same host (nothing is held elsewhere)
   */
  public record Decision(List<VdiAttachment> release, List<VdiAttachment> held, boolean retry, String reason) {}

  /** @param target the host the start was tried on: its own attachment does not block that start */
  public static Decision decide(List<VdiAttachment> attachments, Set<HostId> fenced, HostId target) {
    Objects.requireNonNull(target, "target");
    List<VdiAttachment> release = new ArrayList<>();
    List<VdiAttachment> held = new ArrayList<>();
    for (VdiAttachment a : attachments) {
      if (a.host().isEmpty() || fenced.contains(a.host().get())) release.add(a);
      else if (!a.host().get().equals(target)) held.add(a);
    }
    String reason;
    if (!held.isEmpty()) {
      reason = "VDI " + held.get(0).vdiUuid() + " is attached on " + held.get(0).host().get()
          + ", a host not confirmed off: not released (it may really be in use); the next host is tried";
    } else if (!release.isEmpty()) {
      reason = "VDI attachment(s) of a host confirmed off or unknown to the pool released; one retry on " + target;
    } else {
      reason = "no attachment to release; one retry on " + target;
    }
    return new Decision(List.copyOf(release), List.copyOf(held), held.isEmpty(), reason);
  }
}
