package org.tandemha.storage;

import org.tandemha.storage.lab.Netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tandemha.actors.port.StoragePort.StorageError;

/**
 * Issue #8 item 4 with the real tools in two namespaces joined by a veth: the floating IP is seen local only
 * where it is, the duplicate-address probe sees it answering from the other host, removal frees it, and adding it
 * twice is refused by ip (the reconcile never does: it checks local() first).
 */
class FloatingIpTest {
  static final String VIP = "10.77.0.100";

  @Test
  void addProbeRemoveInNamespaces() {
    try (Netns n = LabTests.netns()) {
      String a = n.add("ipA");
      String b = n.add("ipB");
      n.link(a, "10.77.0.1", b, "10.77.0.2");
      FloatingIp onA = new FloatingIp(Netns.in(a), VIP, 24, "eth0");
      FloatingIp onB = new FloatingIp(Netns.in(b), VIP, 24, "eth0");
      assertFalse(onA.local());
      assertFalse(onA.answersElsewhere(), "nobody has it yet");
      onB.add();
      assertTrue(onB.local());
      assertFalse(onA.local());
      assertTrue(onA.answersElsewhere(), "B answers for it");
      assertThrows(StorageError.class, onB::add, "ip refuses a second add");
      onB.remove();
      assertFalse(onB.local());
      assertFalse(onA.answersElsewhere(), "free again");
      onA.add();
      assertTrue(onA.local());
      assertTrue(onB.answersElsewhere());
    }
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new FloatingIp(Commands.direct(java.time.Duration.ofSeconds(1)),
        "10.77.0.300x", 24, "eth0"));
    assertThrows(IllegalArgumentException.class, () -> new FloatingIp(Commands.direct(java.time.Duration.ofSeconds(1)),
        "10.77.0.100", 33, "eth0"));
    assertThrows(IllegalArgumentException.class, () -> new FloatingIp(Commands.direct(java.time.Duration.ofSeconds(1)),
        "10.77.0.100", 24, "eth0; reboot"));
  }
}
