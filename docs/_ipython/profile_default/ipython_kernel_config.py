# Used only by the kernels that execute the pages (docs/conf.py points IPYTHONDIR here).
# Output that C/C++ libraries write straight to file descriptors 1 and 2 (TensorFlow's start-up
# lines) goes to the build log instead of into the pages.
c = get_config()  # noqa: F821
c.IPKernelApp.capture_fd_output = False

# The site's figure defaults, set once here instead of in every cell: an opaque white background (the
# figures read the same in the theme's dark mode), a default size that fits the text column, and 150 dpi,
# so that a figure drawn 6.4 inches wide is a 960-pixel PNG, which the page scales to its column and
# which stays sharp on high-density screens. A notebook opened on Colab or Binder keeps its own defaults.
c.IPKernelApp.exec_lines = [
    "import matplotlib as _mpl",
    "_mpl.rcParams.update({'figure.facecolor': 'white', 'savefig.facecolor': 'white',"
    " 'figure.figsize': (6.4, 4.0), 'figure.dpi': 150, 'figure.constrained_layout.use': True})",
    "del _mpl",
]
