"""Reads the files .ci/exports.sh downloaded with GDAL/OGR (pyogrio) and checks them."""

import sys
from pathlib import Path

import pyogrio

# Units in force on a date of each map (maps.csv), and the layers that do not change.
COUNTS = {
    "2010-01-01": {"regions": 9, "cercles": 49, "communes": 703},
    "2020-01-01": {"regions": 11, "cercles": 58, "communes": 703},
    "2024-01-01": {"regions": 20, "cercles": 159, "communes": 704},  # with Iréli (2023)
}
FIXED = {"quartiers": 71, "places": 18769}
FIELDS = {
    "regions": {"code", "name", "ocha_pcode", "iso_3166_2", "census_2009", "area_km2_computed",
                "area_km2_published", "attribution"},
    "cercles": {"code", "name", "ocha_pcode", "region_code", "region", "area_km2_computed",
                "shape_confidence", "attribution"},
    "communes": {"code", "name", "ocha_pcode", "cercle", "region", "census_2009", "attribution"},
    "quartiers": {"ocha_pcode", "name", "commune_code", "attribution"},
    "places": {"ocha_pcode", "name", "kind", "latitude", "longitude", "commune_code", "region",
               "attribution"},
}


def main(folder: Path) -> None:
    checked = 0
    for date, counts in COUNTS.items():
        for layer, fields in FIELDS.items():
            expected = counts.get(layer, FIXED.get(layer))
            for fmt in ("geojson", "csv"):
                path = folder / f"{layer}-{date}.{fmt}"
                info = pyogrio.read_info(path)
                assert info["features"] == expected, (path.name, info["features"], expected)
                missing = fields - set(info["fields"])
                assert not missing, (path.name, missing)
                if fmt == "geojson":
                    kind = "Point" if layer == "places" else "Polygon"
                    # Polygons and multipolygons mixed read as "Unknown".
                    assert kind in (info["geometry_type"] or "") or info["geometry_type"] == "Unknown", (
                        path.name, info["geometry_type"])
                    assert info["crs"] in ("EPSG:4326", "OGC:CRS84"), (path.name, info["crs"])
                checked += 1
    print(f"{checked} files read back with GDAL {pyogrio.__gdal_version_string__}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
