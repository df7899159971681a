package org.tandemha.controller.journal;

import akka.persistence.CapabilityFlag;
import akka.persistence.japi.journal.JavaJournalSpec;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.junit.runner.RunWith;

/**
 * Issue #6: Akka's persistence TCK ({@code JavaJournalSpec}) against {@link FileJournal} on a fresh directory.
 * A ScalaTest suite, run by the JUnit 4 runner on the vintage engine (akka-notes §5).
 */
@RunWith(org.scalatestplus.junit.JUnitRunner.class)
public class FileJournalTckTest extends JavaJournalSpec {
  public FileJournalTckTest() {
    super(ConfigFactory.parseString("""
        akka.persistence.journal.plugin = "tandem.journal.plugin"
        tandem.journal.plugin {
          class = "org.tandemha.controller.journal.FileJournal"
          dir = "%s"
          node = "tck"
        }
        """.formatted(tempDir())));
  }

  private static String tempDir() {
    try {
      return Files.createTempDirectory("tandem-journal-tck").toString().replace("\\", "/");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** FileJournal serializes on the journal actor and rejects what cannot be serialized (onPersistRejected). */
  @Override public CapabilityFlag supportsRejectingNonSerializableObjects() { return CapabilityFlag.on(); }
}
