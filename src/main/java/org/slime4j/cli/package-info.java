/** The command line ({@code slime-cli.jar}): train, segment, evaluate, info, download, pytorch. */
package org.slime4j.cli;
