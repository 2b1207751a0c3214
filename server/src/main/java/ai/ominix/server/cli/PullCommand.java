package ai.ominix.server.cli;

import ai.ominix.server.hub.DownloadJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download a model from the Hugging Face Hub (or HF_ENDPOINT) into the models directory. "
                + "An interrupted pull resumes where it stopped.")
public final class PullCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REPO_ID", description = "owner/name, e.g. mlx-community/Qwen3-ASR-0.6B-8bit")
    String repoId;

    @Option(names = "--revision", paramLabel = "R", description = "Branch, tag or commit (default: main).")
    String revision;

    @Override
    public Integer call() throws Exception {
        try (Local local = Local.fromEnvironment()) {
            // Ctrl-C stops the download but keeps what is verified so far; the next pull resumes.
            Thread hook = new Thread(local.downloads::close, "pull-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            DownloadJob job = local.downloads.start(repoId, revision);
            ProgressBar bar = new ProgressBar(System.err);
            while (!job.await(500)) bar.show(job);
            bar.show(job);
            Runtime.getRuntime().removeShutdownHook(hook);
            if (job.status() != DownloadJob.Status.COMPLETED) throw new CliException("pull failed: " + job.error());
            System.out.println(job.target());
        }
        return 0;
    }
}
