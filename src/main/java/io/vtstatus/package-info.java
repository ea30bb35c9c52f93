/**
 * The vtstatus client: it races a webhook it listens for against polling on a {@link
 * io.vtstatus.PollSchedule} and answers with the first terminal status.
 */
package io.vtstatus;
