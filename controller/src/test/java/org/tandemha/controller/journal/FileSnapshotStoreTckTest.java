package org.tandemha.controller.journal;

import akka.persistence.CapabilityFlag;
import akka.persistence.japi.snapshot.JavaSnapshotStoreSpec;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.junit.runner.RunWith;

/** Issue #6: Akka's persistence TCK ({@code JavaSnapshotStoreSpec}) against {@link FileSnapshotStore}. */
@RunWith(org.scalatestplus.junit.JUnitRunner.class)
public class FileSnapshotStoreTckTest extends JavaSnapshotStoreSpec {
  public FileSnapshotStoreTckTest() {
    super(ConfigFactory.parseString("""
        akka.persistence.snapshot-store.plugin = "tandem.snapshot-store.plugin"
        tandem.snapshot-store.plugin {
          class = "org.tandemha.controller.journal.FileSnapshotStore"
          dir = "%s"
        }
        """.formatted(tempDir())));
  }

  private static String tempDir() {
    try {
      return Files.createTempDirectory("tandem-snapshots-tck").toString().replace("\\", "/");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override public CapabilityFlag supportsSerialization() { return CapabilityFlag.on(); }
}
