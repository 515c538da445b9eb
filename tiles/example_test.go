package tiles_test

import (
	"fmt"

	"github.com/incidentmap/incidentmap/tiles"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

func ExampleParseTile() {
	t, err := tiles.ParseTile("8", "154", "101")
	fmt.Println(t, err)
	_, err = tiles.ParseTile("2", "5", "0")
	fmt.Println(err)
	// Output:
	// {154 101 8} <nil>
	// x 5 out of range 0..3 at z 2
}

func ExampleEncodeIncidentTile() {
	t, _ := tiles.ParseTile("4", "9", "6")
	points := []tiles.Point{
		{ID: 1, Lon: 36.63, Lat: 35.93, Source: "a", Role: "incident"},
		{ID: 2, Lon: 36.64, Lat: 35.94, Source: "b", Role: "incident"},
		{ID: 3, Lon: 36.65, Lat: 35.92, Source: "b", Role: "mention"},
		{ID: 4, Lon: 30.00, Lat: 25.00, Source: "a", Role: "incident"},
	}
	data, err := tiles.EncodeIncidentTile(t, points, tiles.EncodeOptions{})
	if err != nil {
		panic(err)
	}
	layers, _ := mvt.Unmarshal(data)
	for _, f := range layers[0].Features {
		if f.Properties["cluster"] == true {
			fmt.Println("cluster of", f.Properties["point_count"], "mostly from", f.Properties["source"])
		} else {
			fmt.Println("incident", f.Properties["id"])
		}
	}
	// Output:
	// cluster of 3 mostly from b
	// incident 4
}

func ExampleStaticMapOptions_Project() {
	opts := tiles.StaticMapOptions{Width: 400, Height: 300, Scale: 2, Center: [2]float64{36.63, 35.93}, Zoom: 6}
	x, y := opts.Project(36.63, 35.93)
	fmt.Printf("%.0f %.0f\n", x, y)
	// Output: 400 300
}

func ExampleClusterTile() {
	t := maptile.New(0, 0, 0)
	c := tiles.ClusterTile(t, []tiles.Point{{Lon: 10, Lat: 10}, {Lon: 10.1, Lat: 10.1}, {Lon: -100, Lat: 40}}, tiles.ClusterOptions{})
	fmt.Println(len(c.Clusters), "cluster,", len(c.Points), "point,", c.Count(), "incidents")
	// Output: 1 cluster, 1 point, 3 incidents
}
