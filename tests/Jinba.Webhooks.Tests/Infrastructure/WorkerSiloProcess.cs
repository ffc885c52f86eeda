using System.Diagnostics;
using System.Reflection;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// The real worker silo (src/Jinba.Webhooks.Silo) as a process of its own, so a test can kill
/// it as a crash would: no shutdown code runs, its sockets just close. It is started under a
/// small shell guard that kills it when the test process goes away, however that happens.
/// </summary>
public sealed class WorkerSiloProcess : IAsyncDisposable
{
    private const int MaxOutputLines = 5000;
    private const string PidLine = "worker-silo-pid ";

    // Runs the silo in the background, says its pid, and kills it once our end of stdin closes,
    // which the kernel does when the test process exits or dies.
    private const string Guard = """
        exec 3<&0
        dotnet "$0" "$@" </dev/null &
        silo=$!
        echo "worker-silo-pid $silo"
        ( cat <&3; kill -KILL "$silo" ) >/dev/null 2>&1 &
        guard=$!
        wait "$silo"
        status=$?
        kill "$guard" 2>/dev/null
        exit "$status"
        """;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _shell;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource<int> _pid =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerSiloProcess(Process shell, string name, int siloPort)
    {
        _shell = shell;
        Name = name;
        SiloPort = siloPort;
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int Pid { get; private set; }

    public bool HasExited => _shell.HasExited;

    /// <summary>The last lines the silo wrote, for a failing test to show.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>
    /// Starts a worker silo with the given settings and its own silo and gateway ports; it has
    /// joined once the cluster lists it as active, which the caller waits for.
    /// </summary>
    public static async Task<WorkerSiloProcess> StartAsync(string name,
        IReadOnlyDictionary<string, string?> settings)
    {
        var assembly = WorkerAssembly();
        var siloPort = FreePorts.Next();
        var own = new Dictionary<string, string?>(settings)
        {
            ["Orleans:SiloPort"] = siloPort.ToString(),
            ["Orleans:GatewayPort"] = FreePorts.Next().ToString(),
        };

        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Guard);
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--environment");
        start.ArgumentList.Add("Testing");
        foreach (var (key, value) in own)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var shell = new Process { StartInfo = start };
        var worker = new WorkerSiloProcess(shell, name, siloPort);
        shell.OutputDataReceived += (_, line) => worker.Add(line.Data);
        shell.ErrorDataReceived += (_, line) => worker.Add(line.Data);
        shell.Start();
        shell.BeginOutputReadLine();
        shell.BeginErrorReadLine();

        try
        {
            worker.Pid = await worker._pid.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            await worker.DisposeAsync();
            throw new InvalidOperationException(
                $"Worker silo {name} did not start. Output:{Environment.NewLine}{worker.Output}");
        }

        return worker;
    }

    /// <summary>Kills the silo at once, as a crash or an out-of-memory kill would.</summary>
    public async Task KillAsync()
    {
        Signal("KILL");
        await WaitForExitAsync();
    }

    /// <summary>Asks the silo to shut down as an orchestrator would, and waits for it.</summary>
    public async Task StopAsync()
    {
        Signal("TERM");
        await WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_shell.HasExited)
        {
            _shell.Kill(entireProcessTree: true);
            await WaitForExitAsync();
        }

        _shell.Dispose();
    }

    private async Task WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _shell.WaitForExitAsync(timeout.Token);
    }

    private void Signal(string signal)
    {
        if (_shell.HasExited)
        {
            return;
        }

        using var kill = Process.Start("kill", $"-{signal} {Pid}");
        kill.WaitForExit();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith(PidLine, StringComparison.Ordinal)
            && int.TryParse(line[PidLine.Length..], out var pid))
        {
            _pid.TrySetResult(pid);
            return;
        }

        lock (_output)
        {
            if (_output.Count == MaxOutputLines)
            {
                _output.Dequeue();
            }

            _output.Enqueue(line);
        }
    }

    private static string WorkerAssembly()
    {
        var path = typeof(WorkerSiloProcess).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "WorkerSiloAssembly").Value!;
        return File.Exists(path)
            ? Path.GetFullPath(path)
            : throw new InvalidOperationException(
                $"The worker silo is not built at '{path}'; build the solution first.");
    }
}
