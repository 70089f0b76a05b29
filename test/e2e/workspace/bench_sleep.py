import subprocess


def wait_on_child(seconds):
    # A child process of the benchmark's harness: cancelling the benchmark must take it down too.
    subprocess.run(["sleep", str(seconds)], check=True)
    return seconds
