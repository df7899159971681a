package org.tandemha.storage;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.tandemha.storage.lab.Netns;

/** The namespace tests run as root (CI does); elsewhere they skip, loudly. A missing tool as root is a failure. */
final class LabTests {
  private LabTests() {}

  static Netns netns() {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "!!! SKIPPED: the storage namespace tests need root (CI runs as root)");
    try {
      return Netns.open();
    } catch (Netns.Unavailable e) {
      fail(e.getMessage());
      return null;
    }
  }
}
