circle_area : Float -> Float
