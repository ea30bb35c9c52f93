/** A simulator of the job-status backend, for tests and demos. */
package io.vtstatus.simulator;
