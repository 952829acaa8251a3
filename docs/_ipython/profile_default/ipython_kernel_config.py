# Used only by the kernels that execute the pages (docs/conf.py points IPYTHONDIR here).
# Output that C/C++ libraries write straight to file descriptors 1 and 2 (TensorFlow's start-up
# lines) goes to the build log instead of into the pages.
c = get_config()  # noqa: F821
c.IPKernelApp.capture_fd_output = False
