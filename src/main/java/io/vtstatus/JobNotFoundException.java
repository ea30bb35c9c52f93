package io.vtstatus;

import java.io.IOException;

/** The server does not know the job (a 404): a wrong id, or a server restart that lost it. */
public final class JobNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The job the server does not know. */
  private final String jobId;

  /**
   * A 404 for {@code jobId}; {@code detail} says what the server answered.
   *
   * @param jobId the job's id
   * @param detail what the server answered
   */
  public JobNotFoundException(String jobId, String detail) {
    super("unknown job " + jobId + ": " + detail);
    this.jobId = jobId;
  }

  /**
   * The job the server does not know.
   *
   * @return the job the server does not know
   */
  public String jobId() {
    return jobId;
  }
}
