// The map island: draws the page's table as coloured polygons with MapLibre (H3 hexagons, or the
// boundaries of areas loaded with `upstream areas load`; each feature carries its colour).
// Nothing is fetched but this server's GeoJSON: no tiles, glyphs or sprites (the style has no
// text or icons). Without JavaScript, or if anything here fails, the table is the page.
import { Map as MapLibreMap, NavigationControl, setWorkerUrl, type StyleSpecification } from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
import './map.css'

interface CellCollection {
  type: 'FeatureCollection'
  bbox?: [number, number, number, number]
  features: unknown[]
}

// Great Britain and Northern Ireland, for a map with no cells to fit.
const UK_BOUNDS: [number, number, number, number] = [-8.7, 49.8, 1.9, 60.9]

function styleFor(cells: CellCollection): StyleSpecification {
  return {
    version: 8,
    sources: { cells: { type: 'geojson', data: cells as never } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f3f2f1' } },
      {
        id: 'cells',
        type: 'fill',
        source: 'cells',
        paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.85 },
      },
      {
        id: 'cell-edges',
        type: 'line',
        source: 'cells',
        paint: { 'line-color': '#505a5f', 'line-width': 0.5 },
      },
    ],
  }
}

async function drawMap(container: HTMLElement): Promise<void> {
  const problem = document.getElementById('incident-map-problem')
  try {
    const response = await fetch(container.dataset.geojsonUrl ?? '', {
      headers: { accept: 'application/geo+json' },
    })
    if (!response.ok) throw new Error(`the map data answered ${response.status}`)
    const cells = (await response.json()) as CellCollection
    setWorkerUrl('/build/maplibre-gl-worker.mjs')
    container.hidden = false
    const map = new MapLibreMap({
      container,
      style: styleFor(cells),
      bounds: cells.bbox ?? UK_BOUNDS,
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
    })
    map.addControl(new NavigationControl({ showCompass: false }))
    // The canvas takes the keyboard (arrows pan, + and - zoom); its name points to the table.
    const canvas = map.getCanvas()
    canvas.setAttribute(
      'aria-label',
      container.dataset.mapLabel ??
        'Map of incident counts by cell. The same counts are in the table Incidents by cell.',
    )
    canvas.setAttribute('aria-describedby', 'map-description')
    canvas.tabIndex = 0
    // For people and tests alike: the hexagons are on screen.
    map.once('idle', () => {
      container.dataset.mapState = 'drawn'
    })
  } catch (error) {
    container.hidden = true
    if (problem) {
      problem.textContent = `The map could not be drawn (${(error as Error).message}). The table has every count.`
      problem.hidden = false
    }
  }
}

const container = document.getElementById('incident-map')
if (container) void drawMap(container)
