package org.tandemha.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code tgtadm --op show --mode target} read per IQN, matched whole ({@code …:disk1} is not {@code …:disk10}). */
class TgtShowTest {
  static final String SHOWN = """
      Target 1: iqn.2026-11.org.example:disk10
          System information:
              Driver: iscsi
              State: ready
          LUN information:
              LUN: 0
                  Type: controller
              LUN: 1
                  Type: disk
      Target 2: iqn.2026-11.org.example:disk1
          System information:
              Driver: iscsi
          LUN information:
              LUN: 0
                  Type: controller
      """;

  @Test
  void lunsOfExactlyThisTarget() {
    assertEquals(Set.of(0, 1), TgtTarget.lunsShown(SHOWN, "iqn.2026-11.org.example:disk10"));
    assertEquals(Set.of(0), TgtTarget.lunsShown(SHOWN, "iqn.2026-11.org.example:disk1"), "its LUN 1 is missing");
    assertEquals(Set.of(), TgtTarget.lunsShown(SHOWN, "iqn.2026-11.org.example:disk"));
  }
}
