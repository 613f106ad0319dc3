"""The colours ``--bar color`` can follow (a dot on the sleeve end), kept apart from the tracker so the
command line lists them without importing OpenCV."""

HSV = tuple[int, int, int]

#: Dot colours by name, as inclusive OpenCV HSV ranges (hue 0..179 is degrees / 2): about 30 degrees of
#: hue around the colour, saturated and bright enough that gray, white and most skin stay out. Pick a
#: colour nothing else in the picture has: a bumper plate of the dot's colour is found as well.
DOT_COLOURS: dict[str, tuple[HSV, HSV]] = {
    "green": ((45, 120, 100), (80, 255, 255)),
    "blue": ((100, 120, 80), (130, 255, 255)),
    "yellow": ((22, 120, 120), (38, 255, 255)),
    "magenta": ((140, 100, 100), (165, 255, 255)),
    "red": ((170, 140, 100), (7, 255, 255)),  # wraps around 180
}
